// Loads Leaflet (its stylesheet, then leaflet.js and map.js) only when a map comes near
// the screen. On the storefront the map sits below the fold and Leaflet weighs more than
// all the other scripts together: most visits never scroll to it, and none wait for it.
(function () {
  "use strict";

  var assets = document.currentScript && document.currentScript.dataset;
  var maps = document.querySelectorAll("[data-map]");
  if (!assets || !maps.length) {
    return;
  }

  function addScripts() {
    [assets.leafletJs, assets.mapJs].forEach(function (src) {
      var script = document.createElement("script");
      script.src = src;
      script.async = false; // run in order: map.js needs Leaflet
      document.head.appendChild(script);
    });
  }

  function load() {
    var css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = assets.leafletCss;
    css.addEventListener("load", addScripts);
    css.addEventListener("error", addScripts);
    document.head.appendChild(css);
  }

  if (!("IntersectionObserver" in window)) {
    load();
    return;
  }
  var observer = new IntersectionObserver(
    function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        load();
      }
    },
    { rootMargin: "300px 0px" }
  );
  maps.forEach(function (map) { observer.observe(map); });
})();
