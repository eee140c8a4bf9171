// Draws the maps described by [data-map] elements. Markers are compact
// [lat, lon, name, url] arrays, the URL relative to data-base-url: from a JSON script tag
// (data-markers, a few markers), or fetched from data-markers-url (every shop of the
// territory: one cached file instead of kilobytes in each page). Without JavaScript, or
// when the fetch fails, the page reads the same with its link to the list.
(function () {
  "use strict";

  function popup(marker, label, base) {
    var box = document.createElement("div");
    var name = document.createElement("strong");
    var link = document.createElement("a");
    name.textContent = marker[2];
    link.href = new URL(marker[3], base).href;
    link.textContent = label;
    box.append(name, document.createElement("br"), link);
    return box;
  }

  function draw(element, markers) {
    var centre = (element.dataset.centre || "0,0").split(",").map(Number);
    var zoom = Number(element.dataset.zoom) || 13;
    var colour = getComputedStyle(document.documentElement).getPropertyValue("--brand").trim();
    var many = markers.length > 100;
    var base = new URL(element.dataset.baseUrl || "", window.location.href);
    element.textContent = "";
    element.classList.add("map-ready");
    var map = L.map(element, { preferCanvas: true, scrollWheelZoom: false });
    if (element.dataset.tileUrl) {
      L.tileLayer(element.dataset.tileUrl, {
        attribution: element.dataset.tileAttribution,
        maxZoom: 19,
      }).addTo(map);
    }
    var layer = L.featureGroup();
    markers.forEach(function (marker) {
      L.circleMarker([marker[0], marker[1]], {
        radius: many ? 5 : 10,
        color: "#ffffff",
        weight: many ? 1 : 2,
        fillColor: colour || "#1d5e3a",
        fillOpacity: 0.9,
      })
        .bindPopup(function () { return popup(marker, element.dataset.linkLabel, base); })
        .addTo(layer);
    });
    layer.addTo(map);
    if (markers.length > 1) {
      map.fitBounds(layer.getBounds(), { padding: [16, 16] });
    } else if (markers.length === 1) {
      map.setView([markers[0][0], markers[0][1]], zoom);
    } else {
      map.setView(centre, zoom);
    }
  }

  function load(element) {
    if (element.dataset.markersUrl) {
      fetch(element.dataset.markersUrl, { credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) { throw new Error(response.status); }
          return response.json();
        })
        .then(function (markers) { draw(element, markers); })
        .catch(function () { /* the fallback link stays */ });
      return;
    }
    var source = document.getElementById(element.dataset.markers);
    draw(element, source ? JSON.parse(source.textContent) : []);
  }

  if (window.L) {
    document.querySelectorAll("[data-map]").forEach(load);
  }
})();
