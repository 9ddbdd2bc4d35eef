/* Live map of open cases: polls the scoped JSON every few seconds and redraws the points
   (clustered); overdue cases in red. Record text reaches the page as text nodes only. */

var wanggeCasesT = window.wanggeCasesT;  /* strings.js */

(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("live-config").textContent);
  var el = document.getElementById("live-map");
  var summary = document.getElementById("live-summary");
  var updated = document.getElementById("live-updated");
  var map = L.map(el, { zoomSnap: 0.25, minZoom: 3, maxZoom: 19 }).setView([40.6, 109.85], 11);
  map.attributionControl.setPrefix("");  // no Leaflet flag; the tiles name OpenStreetMap
  if (config.tile_url) { L.tileLayer(config.tile_url, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map); }
  if (window.WanggeBasemap) { window.WanggeBasemap.attach(map, config.basemap_url); }  // web/basemap.js
  var layer = L.markerClusterGroup ? L.markerClusterGroup({ maxClusterRadius: 40 }) : L.layerGroup();
  layer.addTo(map);
  var fitted = false;

  function popup(p) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = p.url;
    link.textContent = p.number;
    box.appendChild(link);
    box.appendChild(document.createElement("br"));
    box.appendChild(document.createTextNode(p.category + " · " + p.status_label + (p.overdue ? " · " + wanggeCasesT("overdue", "已超时") : "")));
    return box;
  }
  function load() {
    fetch(config.data_url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(String(response.status)); } return response.json(); })
      .then(function (data) {
        layer.clearLayers();
        var geo = L.geoJSON(data, {
          pointToLayer: function (feature, latlng) {
            var p = feature.properties;
            return L.circleMarker(latlng, {
              radius: p.urgent ? 8 : 6, weight: 1, color: "#fff", fillOpacity: 0.9,
              fillColor: p.overdue ? "#c8102e" : "#1677ff"
            }).bindPopup(popup(p));
          }
        });
        geo.eachLayer(function (marker) { layer.addLayer(marker); });
        if (!fitted && data.features.length) { map.fitBounds(geo.getBounds(), { padding: [20, 20], maxZoom: 16 }); fitted = true; }
        summary.textContent = wanggeCasesT("liveSummary", "在办 {total} 件，其中超时 {overdue} 件", { total: data.total, overdue: data.overdue });
        el.setAttribute("data-points", String(data.total));
        updated.textContent = " " + wanggeCasesT("updatedAt", "更新于") + " " + new Date().toLocaleTimeString(document.documentElement.lang || "zh-CN", { hour12: false });
      })
      .catch(function () { summary.textContent = wanggeCasesT("loadFailed", "加载失败，稍后自动重试"); });
  }
  load();
  setInterval(load, Math.max(5, config.refresh_seconds) * 1000);
})();
