/* Grid map: polygons coloured by the chosen indicator, case points clustered by status.
   Tiles only when a tile URL is configured; the self-hosted basemap's streets when one is
   loaded (basemap_url); without either the polygons and points still show on a plain
   background. Names from records reach the page as text nodes only. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("map-config").textContent);
  var texts = JSON.parse(document.getElementById("map-texts").textContent);
  var mapEl = document.getElementById("grid-map");
  var map = L.map(mapEl, { zoomSnap: 0.25, minZoom: 3, maxZoom: 19 }).setView([40.6, 109.85], 11);
  map.attributionControl.setPrefix("");  // no Leaflet flag; the tiles name OpenStreetMap
  if (config.tile_url) {
    L.tileLayer(config.tile_url, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
  }
  // The self-hosted basemap's streets (web/basemap.js), over the coloured grids.
  if (window.WanggeBasemap) {
    window.WanggeBasemap.attach(map, config.basemap_url, { above: true, color: "#3d4a5c", weight: 1.5, opacity: 0.55 });
  }
  var PALETTE = ["#fee5d9", "#fcae91", "#fb6a4a", "#de2d26", "#a50f15"];
  var STATUS_COLORS = {
    reported: "#8c8c8c", accepted: "#1677ff", dispatched: "#722ed1", in_progress: "#fa8c16",
    resolved: "#13c2c2", verified: "#52c41a", closed: "#237804", returned: "#eb2f96",
    suspended: "#595959", rejected: "#bfbfbf"
  };
  var indicator = config.indicator;
  if (!indicator.higher_is_better) { PALETTE = PALETTE.slice().reverse(); }

  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) { node.className = cls; }
    return node;
  }
  function fmt(value) {
    return value === null || value === undefined ? "—" : Number(value).toFixed(indicator.decimals);
  }
  function breaks(values) {
    var nums = values.filter(function (v) { return v !== null && v !== undefined; });
    if (!nums.length) { return []; }
    var lo = Math.min.apply(null, nums), hi = Math.max.apply(null, nums);
    var out = [];
    for (var i = 1; i < PALETTE.length; i++) { out.push(lo + (hi - lo) * i / PALETTE.length); }
    return out;
  }
  function colour(value, cuts) {
    if (value === null || value === undefined) { return "#d9d9d9"; }
    var index = 0;
    while (index < cuts.length && value > cuts[index]) { index++; }
    return PALETTE[index];
  }

  function legend(cuts, min, max) {
    var control = L.control({ position: "bottomright" });
    control.onAdd = function () {
      var box = L.DomUtil.create("div", "map-legend");
      box.appendChild(text("strong", indicator.name + (indicator.unit ? "（" + indicator.unit + "）" : "")));
      var edges = [min].concat(cuts).concat([max]);
      // Integer figures over a narrow range still need a decimal to tell classes apart.
      var digits = indicator.decimals || (max - min < 10 ? 1 : 0);
      var edge = function (value) { return Number(value).toFixed(digits); };
      for (var i = 0; i < PALETTE.length && cuts.length; i++) {
        var row = document.createElement("div");
        var swatch = document.createElement("i");
        swatch.style.background = PALETTE[i];
        row.appendChild(swatch);
        row.appendChild(document.createTextNode(edge(edges[i]) + " – " + edge(edges[i + 1])));
        box.appendChild(row);
      }
      return box;
    };
    control.addTo(map);
  }

  fetch(config.data_url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var values = data.grids.features.map(function (f) { return f.properties.value; });
      var cuts = breaks(values);
      var grids = L.geoJSON(data.grids, {
        style: function (feature) {
          return { color: "#1d2330", weight: 1, fillOpacity: 0.65,
                   fillColor: colour(feature.properties.value, cuts) };
        },
        onEachFeature: function (feature, layer) {
          var tip = document.createElement("div");
          tip.appendChild(text("strong", feature.properties.name));
          tip.appendChild(document.createElement("br"));
          tip.appendChild(document.createTextNode(indicator.name + "：" + fmt(feature.properties.value) + indicator.unit));
          layer.bindTooltip(tip, { sticky: true });
        }
      }).addTo(map);
      grids.eachLayer(function (layer) {
        var path = layer.getElement && layer.getElement();
        if (path) { path.classList.add("grid-polygon"); path.setAttribute("data-grid", layer.feature.properties.code); }
      });

      var cluster = L.markerClusterGroup({ showCoverageOnHover: false });
      data.cases.features.forEach(function (feature) {
        var p = feature.properties, c = feature.geometry.coordinates;
        // An element coloured through the CSSOM: the CSP refuses style="" attributes in markup.
        var dot = document.createElement("div");
        dot.className = "case-dot";
        dot.style.background = STATUS_COLORS[p.status] || "#1677ff";
        var icon = L.divIcon({ className: "", iconSize: [12, 12], html: dot });
        var marker = L.marker([c[1], c[0]], { icon: icon, title: p.number });
        var pop = document.createElement("div");
        var link = text("a", p.number);
        link.href = p.url;
        pop.appendChild(link);
        pop.appendChild(document.createElement("br"));
        pop.appendChild(document.createTextNode(p.category + " · " + p.status_label + " · " + p.date));
        marker.bindPopup(pop);
        cluster.addLayer(marker);
      });
      map.addLayer(cluster);

      var bounds = grids.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16] }); }
      var nums = values.filter(function (v) { return v !== null && v !== undefined; });
      if (nums.length) { legend(cuts, Math.min.apply(null, nums), Math.max.apply(null, nums)); }
      var note = document.getElementById("map-note");
      note.textContent = texts.note.replace("{grids}", String(data.grids.features.length))
        .replace("{cases}", String(data.cases.features.length)) +
        (data.cases.truncated ? texts.truncated : "") + (config.tile_url || config.basemap_url ? "" : texts.no_tiles);
      mapEl.setAttribute("data-grids", String(data.grids.features.length));
      mapEl.setAttribute("data-cases", String(data.cases.features.length));
    })
    .catch(function (error) {
      document.getElementById("map-note").textContent = texts.failed;
      throw error;
    });
})();
