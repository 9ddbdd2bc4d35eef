/* The report page's map: tap to place the problem's location. Works without tiles
   (WANGGE_MAP_TILE_URL empty): the tap still sets the coordinates and the grid lookup
   still answers. No request leaves the server the page came from unless tiles are set. */
(function () {
  "use strict";
  // Anonymous reports keep no name and no phone: hide the fields while it is ticked.
  var anonymous = document.getElementById("id_anonymous");
  var contact = document.getElementById("contact-fields");
  if (anonymous && contact) {
    var sync = function () { contact.hidden = anonymous.checked; };
    anonymous.addEventListener("change", sync);
    sync();
  }
})();

(function () {
  "use strict";
  var box = document.getElementById("report-map");
  if (!box || !window.L) { return; }
  var latInput = document.getElementById("id_lat");
  var lngInput = document.getElementById("id_lng");
  var shown = document.getElementById("picked-point");
  var clearButton = document.getElementById("clear-point");
  var locateButton = document.getElementById("locate-me");
  var center = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lng)];
  var map = L.map(box, { attributionControl: false, tap: true }).setView(center, parseInt(box.dataset.zoom, 10) || 12);
  if (box.dataset.tiles) {
    L.tileLayer(box.dataset.tiles, { maxZoom: 19 }).addTo(map);
  } else {
    box.classList.add("no-tiles");
  }
  var marker = null;

  function lookup(lat, lng) {
    var target = box.dataset.locateUrl;
    if (!target || !window.htmx) { return; }
    htmx.ajax("GET", target + "?lat=" + lat + "&lng=" + lng, { target: "#located-grid", swap: "innerHTML" });
  }

  function place(lat, lng) {
    lat = Math.round(lat * 1e6) / 1e6;
    lng = Math.round(lng * 1e6) / 1e6;
    latInput.value = lat;
    lngInput.value = lng;
    if (marker) { marker.setLatLng([lat, lng]); }
    else { marker = L.circleMarker([lat, lng], { radius: 9, color: "#c8102e", weight: 3, fillOpacity: 0.5 }).addTo(map); }
    shown.textContent = "已选位置：北纬 " + lat.toFixed(6) + "，东经 " + lng.toFixed(6);
    clearButton.hidden = false;
    lookup(lat, lng);
  }

  map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng); });

  clearButton.addEventListener("click", function () {
    latInput.value = "";
    lngInput.value = "";
    if (marker) { map.removeLayer(marker); marker = null; }
    shown.textContent = "尚未选点";
    document.getElementById("located-grid").textContent = "";
    clearButton.hidden = true;
  });

  if (locateButton && navigator.geolocation) {
    locateButton.hidden = false;
    locateButton.addEventListener("click", function () {
      locateButton.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        locateButton.disabled = false;
        place(position.coords.latitude, position.coords.longitude);
        map.setView([position.coords.latitude, position.coords.longitude], 16);
      }, function () {
        locateButton.disabled = false;
        shown.textContent = "无法获取当前位置，请在地图上点选或填写地址";
      }, { enableHighAccuracy: true, timeout: 8000 });
    });
  }

  if (latInput.value && lngInput.value) {
    place(parseFloat(latInput.value), parseFloat(lngInput.value));
    map.setView([parseFloat(latInput.value), parseFloat(lngInput.value)], 15);
  }
})();
