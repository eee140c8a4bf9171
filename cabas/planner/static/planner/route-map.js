// Draws the planned route: the start, the numbered stops in walking order and the loop
// back. Data come from a JSON script tag ({start: [lat, lon], stops: [[lat, lon, name,
// url]]}); without JavaScript the ordered list of stops says the same. Re-drawn when htmx
// swaps a new plan in.
(function () {
  "use strict";

  function draw(element) {
    if (element.dataset.drawn) return;
    var source = document.getElementById(element.dataset.route);
    if (!source || !window.L) return;
    var data = JSON.parse(source.textContent);
    var base = new URL(element.dataset.baseUrl || "", window.location.href);
    var colour = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim() || "#1d5e3a";
    element.dataset.drawn = "1";
    element.textContent = "";
    element.classList.add("map-ready");
    var map = L.map(element, { scrollWheelZoom: false });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, {
        attribution: element.dataset.tileAttribution,
        maxZoom: 19,
      }).addTo(map);
    }
    var layer = L.featureGroup();
    var path = [data.start];
    L.circleMarker(data.start, { radius: 8, color: "#000", weight: 2, fillColor: "#fff", fillOpacity: 1 })
      .bindTooltip(element.dataset.startLabel)
      .addTo(layer);
    data.stops.forEach(function (stop, index) {
      path.push([stop[0], stop[1]]);
      var link = document.createElement("a");
      link.href = new URL(stop[3], base).href;
      link.textContent = index + 1 + ". " + stop[2];
      L.marker([stop[0], stop[1]], {
        icon: L.divIcon({ className: "route-stop", html: String(index + 1), iconSize: [26, 26] }),
        title: index + 1 + ". " + stop[2],
      })
        .bindPopup(link)
        .addTo(layer);
    });
    path.push(data.start);
    L.polyline(path, { color: colour, weight: 4, opacity: 0.8, dashArray: "6 6" }).addTo(layer);
    layer.addTo(map);
    map.fitBounds(layer.getBounds(), { padding: [24, 24] });
  }

  function drawAll() {
    document.querySelectorAll("[data-route-map]").forEach(draw);
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  document.body && document.body.addEventListener("htmx:afterSwap", drawAll);
  if (document.readyState !== "loading") drawAll();
})();
