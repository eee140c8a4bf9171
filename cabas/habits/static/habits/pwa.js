/* Registers the service worker and keeps this territory's offline page fresh.
   Loaded as a file (no inline script): data-worker and data-offline come from the tag. */
(function () {
  "use strict";
  var tag = document.currentScript;
  if (!tag || !("serviceWorker" in navigator)) return;
  var worker = tag.getAttribute("data-worker");
  var offline = tag.getAttribute("data-offline");
  navigator.serviceWorker.register(worker, { scope: "/" })
    .then(function () { return navigator.serviceWorker.ready; })
    .then(function (registration) {
      if (offline && registration.active) {
        registration.active.postMessage({ type: "cache-offline-page", url: offline });
      }
    })
    .catch(function () { /* no worker: the site works as before */ });
})();
