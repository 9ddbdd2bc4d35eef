/* Patrol track replay: the day's points as a grey line, the part walked so far in red,
   a marker at the current point; a slider and a play button move through time. Works
   without tiles (grid polygons and the line on a plain background). */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("track-config").textContent);
  var T = config.strings || {};
  function t(key, fallback) { return T[key] || fallback; }
  var el = document.getElementById("track-map");
  var note = document.getElementById("track-note");
  var slider = document.getElementById("track-slider");
  var play = document.getElementById("track-play");
  var timeLabel = document.getElementById("track-time");
  var map = L.map(el, { zoomSnap: 0.25, minZoom: 3, maxZoom: 19 }).setView([40.6, 109.85], 12);
  map.attributionControl.setPrefix("");  // no Leaflet flag; the tiles name OpenStreetMap
  if (config.tile_url) { L.tileLayer(config.tile_url, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map); }
  if (window.WanggeBasemap) { window.WanggeBasemap.attach(map, config.basemap_url); }  // web/basemap.js
  if (!config.data_url) { return; }

  var points = [], walked = null, marker = null, timer = null;

  function clock(at) {
    if (!at) { return "--:--:--"; }
    var d = new Date(at);
    if (isNaN(d.getTime())) { return at; }
    return d.toLocaleTimeString(t("locale", "zh-CN"), { hour12: false, timeZone: "Asia/Shanghai" });
  }
  function show(index) {
    var upto = points.slice(0, index + 1).map(function (p) { return [p.lat, p.lng]; });
    walked.setLatLngs(upto);
    marker.setLatLng(upto[upto.length - 1]);
    timeLabel.textContent = clock(points[index].at);
    slider.value = String(index);
    el.setAttribute("data-track-index", String(index));
  }
  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    play.textContent = t("play", "▶ 播放");
  }
  play.addEventListener("click", function () {
    if (timer) { stop(); return; }
    if (Number(slider.value) >= points.length - 1) { show(0); }
    play.textContent = t("pause", "❚❚ 暂停");
    timer = setInterval(function () {
      var next = Number(slider.value) + 1;
      if (next >= points.length) { stop(); return; }
      show(next);
    }, Math.max(30, Math.min(400, 12000 / points.length)));
  });
  slider.addEventListener("input", function () { stop(); show(Number(slider.value)); });

  fetch(config.data_url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      return response.json();
    })
    .then(function (data) {
      var grids = L.geoJSON(data.grids, {
        style: function () { return { color: "#1d2330", weight: 1, fillOpacity: 0.08 }; }
      }).addTo(map);
      data.patrols.forEach(function (patrol) { points = points.concat(patrol.points); });
      if (!points.length) {
        note.textContent = data.patrols.length ? t("no_points", "当天巡查没有记录到轨迹点。")
          : t("no_patrols", "当天没有巡查记录。");
        if (data.grids.features.length) { map.fitBounds(grids.getBounds(), { padding: [20, 20] }); }
        el.setAttribute("data-track-points", "0");
        return;
      }
      var all = points.map(function (p) { return [p.lat, p.lng]; });
      var line = L.polyline(all, { color: "#8c8c8c", weight: 3, dashArray: "4 6" }).addTo(map);
      walked = L.polyline([all[0]], { color: "#c8102e", weight: 4 }).addTo(map);
      L.circleMarker(all[0], { radius: 5, color: "#237804", fillOpacity: 1 }).addTo(map)
        .bindTooltip(t("start", "起点") + " " + clock(points[0].at));
      marker = L.marker(all[0], {
        icon: L.divIcon({ className: "track-marker", iconSize: [14, 14] }), keyboard: false
      }).addTo(map);
      map.fitBounds(line.getBounds(), { padding: [24, 24], maxZoom: 17 });
      slider.max = String(points.length - 1);
      slider.disabled = false;
      play.disabled = false;
      note.textContent = t("summary", "%(patrols)s 次巡查，%(points)s 个轨迹点（%(from)s – %(to)s）")
        .replace("%(patrols)s", data.patrols.length).replace("%(points)s", points.length)
        .replace("%(from)s", clock(points[0].at))
        .replace("%(to)s", clock(points[points.length - 1].at));
      el.setAttribute("data-track-points", String(points.length));
      show(0);
    })
    .catch(function () { note.textContent = t("failed", "轨迹加载失败，请稍后重试。"); });
})();
