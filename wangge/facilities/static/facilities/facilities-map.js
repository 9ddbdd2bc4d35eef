/* Maps of the service positions (pick a point, the gap map, services near me).
   Tiles only when WANGGE_MAP_TILE_URL is set; the walking network loaded by
   facilities_load_network is drawn as the basemap the app serves itself
   (data-basemap, drawn by web/basemap.js), so the map works with no internet at all. Attribution names
   OpenStreetMap; Leaflet's flag is removed from the prefix. */
(function () {
  "use strict";
  var box = document.getElementById("facility-map");
  if (!box || !window.L) { return; }
  var mode = box.dataset.mode;
  var lat0 = parseFloat(box.dataset.lat), lng0 = parseFloat(box.dataset.lng);
  var hasPoint = isFinite(lat0) && isFinite(lng0);
  var center = [parseFloat(box.dataset.centerLat) || 40.6, parseFloat(box.dataset.centerLng) || 109.85];
  var zoom = parseInt(box.dataset.zoom, 10) || (hasPoint ? 15 : 13);
  var map = L.map(box, { tap: true, preferCanvas: true }).setView(hasPoint ? [lat0, lng0] : center, zoom);
  map.attributionControl.setPrefix("");
  if (box.dataset.tiles) { L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map); }
  else { box.classList.add("no-tiles"); }

  // The walking network as the basemap: the one shared helper (web/basemap.js).
  if (window.WanggeBasemap) { window.WanggeBasemap.attach(map, box.dataset.basemap); }

  var marker = null;
  function mark(lat, lng) {
    if (marker) { marker.setLatLng([lat, lng]); }
    else { marker = L.circleMarker([lat, lng], { radius: 9, color: "#c8102e", weight: 3, fillOpacity: 0.5 }).addTo(map); }
  }

  if (mode === "pick") {
    var latIn = document.getElementById("id_lat"), lngIn = document.getElementById("id_lng");
    var system = document.getElementById("id_coord_system");
    if (hasPoint) { mark(lat0, lng0); }
    map.on("click", function (e) {
      var lat = Math.round(e.latlng.lat * 1e6) / 1e6, lng = Math.round(e.latlng.lng * 1e6) / 1e6;
      latIn.value = lat; lngIn.value = lng;
      if (system) { system.value = "wgs84"; }
      mark(lat, lng);
    });
  }

  if (mode === "gaps") {
    fetch(box.dataset.url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      var t = data.threshold, bounds = [];
      // Grids coloured by coverage (share of residents within the circle).
      (data.areas || []).forEach(function (a) {
        var color = a.share >= 80 ? "#2e8b57" : (a.share >= 50 ? "#e8a33d" : "#c8102e");
        L.geoJSON(a.polygon, { style: { color: color, weight: 1, fillColor: color, fillOpacity: 0.15 }, interactive: false })
          .addTo(map);
      });
      data.homes.forEach(function (h) {
        if (h.lat === null) { return; }
        var color = h.d === null || h.d > 2 * t ? "#c8102e" : (h.d > t ? "#e8a33d" : "#2e8b57");
        L.circleMarker([h.lat, h.lng], { radius: 4, color: color, weight: 1, fillOpacity: 0.8 })
          .bindTooltip(h.name + " · " + (h.d === null ? "—" : Math.round(h.d) + " m") + " · " + h.n).addTo(map);
        bounds.push([h.lat, h.lng]);
      });
      data.facilities.forEach(function (f) {
        L.circleMarker([f.lat, f.lng], { radius: 7, color: "#1f4e9e", weight: 3, fillOpacity: 0.9 }).bindTooltip(f.name).addTo(map);
      });
      if (bounds.length) { map.fitBounds(bounds, { maxZoom: 16 }); }
    });
  }

  if (mode === "near") {
    var form = document.getElementById("near-form");
    var latH = document.getElementById("near-lat"), lngH = document.getElementById("near-lng");
    var q = document.getElementById("near-q");
    var results = document.getElementById("near-results");
    var sites = L.layerGroup().addTo(map);
    var ask = function (lat, lng) {
      latH.value = lat; lngH.value = lng; q.value = "";
      mark(lat, lng);
      if (window.htmx) { window.htmx.trigger(form, "submit"); } else { form.submit(); }
    };
    q.addEventListener("input", function () { latH.value = ""; lngH.value = ""; });
    map.on("click", function (e) { ask(Math.round(e.latlng.lat * 1e6) / 1e6, Math.round(e.latlng.lng * 1e6) / 1e6); });
    var locate = document.getElementById("near-locate");
    if (locate && navigator.geolocation) {
      locate.hidden = false;
      locate.addEventListener("click", function () {
        navigator.geolocation.getCurrentPosition(function (p) {
          map.setView([p.coords.latitude, p.coords.longitude], 15);
          ask(p.coords.latitude, p.coords.longitude);
        }, function () { /* the tap and the address still work */ }, { enableHighAccuracy: true, timeout: 8000 });
      });
    }
    results.addEventListener("htmx:afterSwap", function () {
      sites.clearLayers();
      var list = results.querySelector(".near-list");
      if (!list) { return; }
      var here = [parseFloat(list.dataset.lat), parseFloat(list.dataset.lng)];
      mark(here[0], here[1]);
      var bounds = [here];
      results.querySelectorAll(".near-item").forEach(function (item) {
        var p = [parseFloat(item.dataset.lat), parseFloat(item.dataset.lng)];
        L.circleMarker(p, { radius: 7, color: "#1f4e9e", weight: 3, fillOpacity: 0.9 }).bindTooltip(item.dataset.name).addTo(sites);
        bounds.push(p);
      });
      map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] });
    });
  }
})();
