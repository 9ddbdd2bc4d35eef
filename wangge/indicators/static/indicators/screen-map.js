/* The command screen's map panel (present only when tiles or the self-hosted basemap
   exist): the area's grids outlined and shaded by the ranking indicator, open and closed
   case points of the month, over the basemap's streets (web/basemap.js). Names reach the
   page as text nodes only. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("screen-config").textContent);
  var box = document.getElementById("screen-map");
  if (!box || !window.L || !config.map_url) { return; }
  var map = L.map(box, { zoomSnap: 0.25, minZoom: 3, maxZoom: 19, preferCanvas: true }).setView([40.6, 109.85], 11);
  map.attributionControl.setPrefix("");  // no Leaflet flag
  if (config.tile_url) { L.tileLayer(config.tile_url, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map); }
  if (window.WanggeBasemap) {
    window.WanggeBasemap.attach(map, config.basemap_url, { color: "#5f7aa3", weight: 1.2, opacity: 0.7 });
  }
  fetch(config.map_url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.ok ? response.json() : null; })
    .then(function (data) {
      if (!data) { return; }
      var values = data.grids.features.map(function (f) { return f.properties.value; })
        .filter(function (v) { return v !== null && v !== undefined; });
      var lo = Math.min.apply(null, values), hi = Math.max.apply(null, values);
      var grids = L.geoJSON(data.grids, {
        style: function (feature) {
          var v = feature.properties.value;
          var share = v === null || v === undefined || hi === lo ? 0 : (v - lo) / (hi - lo);
          return { color: "#39c5ff", weight: 1, fillColor: "#39c5ff", fillOpacity: 0.05 + 0.3 * share };
        },
        onEachFeature: function (feature, layer) {
          var tip = document.createElement("span");
          tip.textContent = feature.properties.name;
          layer.bindTooltip(tip, { sticky: true });
        }
      }).addTo(map);
      data.cases.features.forEach(function (feature) {
        var c = feature.geometry.coordinates;
        L.circleMarker([c[1], c[0]], { radius: 3, weight: 0, fillColor: "#ffd166", fillOpacity: 0.85, interactive: false }).addTo(map);
      });
      var bounds = grids.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [12, 12] }); }
      box.setAttribute("data-grids", String(data.grids.features.length));
    })
    .catch(function () { /* the figures stay on screen without the map */ });
})();
