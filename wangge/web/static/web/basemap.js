/* The self-hosted basemap on any Leaflet map (issue 14): the street lines an installed
   app serves (wangge.core.basemap; today the walking network of wangge.facilities),
   fetched from this server only, for the visible box, again after every move.
   One helper for every map: the report page, the grid map, the command screen and the
   facility pages. With no basemap URL it does nothing, so the map works as before.

   WanggeBasemap.attach(map, url, options) → the layer (or null without a URL)
     options.above: draw over the map's polygons (a choropleth) instead of under them
     options.color, options.weight, options.opacity: the line style
   The map element gets data-basemap-lines (lines drawn) for tests; the endpoint's
   attribution (OpenStreetMap, or "synthetic" for a generated network) is added once. */
(function () {
  "use strict";
  function attach(map, url, options) {
    if (!url || !window.L || !map) { return null; }
    options = options || {};
    var pane = map.getPane("basemap") || map.createPane("basemap");
    // Under the overlays (400) and above tiles (200); or over a choropleth, under markers (600).
    pane.style.zIndex = options.above ? "450" : "250";
    pane.style.pointerEvents = "none";
    var renderer = L.canvas({ pane: "basemap", padding: 0.2 });
    var layer = L.layerGroup().addTo(map);
    var container = map.getContainer();
    var attribution = "";
    var asked = 0;
    function draw() {
      var box = map.getBounds(), mine = ++asked;
      var query = "?s=" + box.getSouth().toFixed(5) + "&w=" + box.getWest().toFixed(5) +
        "&n=" + box.getNorth().toFixed(5) + "&e=" + box.getEast().toFixed(5);
      fetch(url + query, { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data || mine !== asked) { return; }  // a later move asked again
          layer.clearLayers();
          if (data.attribution && data.attribution !== attribution && map.attributionControl) {
            if (attribution) { map.attributionControl.removeAttribution(attribution); }
            attribution = data.attribution;
            map.attributionControl.addAttribution(attribution);
          }
          var lines = data.lines || [];
          if (lines.length) {
            // Thinner and fainter zoomed out, where the streets of a whole district crowd.
            var zoom = map.getZoom(), scale = zoom >= 16 ? 1 : (zoom >= 14 ? 0.7 : 0.4);
            L.polyline(lines, {
              renderer: renderer, interactive: false, color: options.color || "#8a94a6",
              weight: (options.weight || 2) * scale, opacity: (options.opacity || 0.8) * (0.5 + scale / 2)
            }).addTo(layer);
          }
          container.setAttribute("data-basemap-lines", String(lines.length));
          container.classList.add("has-basemap");
        })
        .catch(function () { /* the map works without its basemap */ });
    }
    map.on("moveend", draw);
    draw();
    return layer;
  }
  window.WanggeBasemap = { attach: attach };
})();
