/* Finding the spot on the report page (and on the staff intake form): search the estate
   and building registry, use the phone's location, or tap the map. Works without tiles
   (WANGGE_MAP_TILE_URL empty): the streets of the self-hosted basemap are drawn when one
   is loaded (data-basemap, web/basemap.js), and with neither the tap still sets the coordinates and the lookup still
   answers. No request leaves the server the page came from unless tiles are set.
   On the public page, open reports of the same category nearby are offered to follow
   (这也是我的问题) instead of reporting the same problem again. */

var wanggeCasesT = window.wanggeCasesT;  /* strings.js */
var el = window.wanggeCasesEl;

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
  if (!box) { return; }
  var form = box.closest("form");
  var latInput = document.getElementById("id_lat");
  var lngInput = document.getElementById("id_lng");
  var placeGrid = document.getElementById("id_place_grid");
  var address = document.getElementById("id_address");
  var category = document.getElementById("id_category");
  var shown = document.getElementById("picked-point");
  var located = document.getElementById("located-grid");
  var handling = document.getElementById("handling-unit");
  var clearButton = document.getElementById("clear-point");
  var locateButton = document.getElementById("locate-me");
  var map = null;
  var marker = null;
  var autoAddress = "";

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.error || wanggeCasesT("requestFailed", "请求失败")); }
          return data;
        });
      });
  }

  function showHandler(text) {
    handling.textContent = text || "";
    handling.hidden = !text;
  }

  if (window.L) {
    var center = [parseFloat(box.dataset.lat), parseFloat(box.dataset.lng)];
    map = L.map(box, { tap: true }).setView(center, parseInt(box.dataset.zoom, 10) || 12);
    map.attributionControl.setPrefix("");  // no Leaflet flag; the tiles name OpenStreetMap
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: "© OpenStreetMap" }).addTo(map);
    } else {
      box.classList.add("no-tiles");
    }
    // The self-hosted basemap (street lines served by this server), when one is loaded.
    if (window.WanggeBasemap) { window.WanggeBasemap.attach(map, box.dataset.basemap); }
    map.on("click", function (event) {
      if (placeGrid) { placeGrid.value = ""; }
      place(event.latlng.lat, event.latlng.lng);
    });
  }

  function lookup(lat, lng) {
    getJSON(box.dataset.whereUrl + "?lat=" + lat + "&lng=" + lng).then(function (data) {
      if (data.grid) {
        located.textContent = wanggeCasesT("gridIs", "所属网格：{grid}", { grid: data.grid });
        showHandler(data.handler);
      } else {
        located.textContent = wanggeCasesT("outside", "该位置不在本市网格范围内，请重新选点或选择社区");
        showHandler("");
      }
    }).catch(function () { located.textContent = ""; });
  }

  function place(lat, lng, options) {
    lat = Math.round(lat * 1e6) / 1e6;
    lng = Math.round(lng * 1e6) / 1e6;
    latInput.value = lat;
    lngInput.value = lng;
    if (map) {
      if (marker) { marker.setLatLng([lat, lng]); }
      else { marker = L.circleMarker([lat, lng], { radius: 9, color: "#c8102e", weight: 3, fillOpacity: 0.5 }).addTo(map); }
      if (options && options.zoom) { map.setView([lat, lng], options.zoom); }
    }
    shown.textContent = wanggeCasesT("pickedAt", "已选位置：北纬 {lat}，东经 {lng}", { lat: lat.toFixed(6), lng: lng.toFixed(6) });
    clearButton.hidden = false;
    lookup(lat, lng);
    nearby();
  }

  clearButton.addEventListener("click", function () {
    latInput.value = "";
    lngInput.value = "";
    if (placeGrid) { placeGrid.value = ""; }
    if (marker && map) { map.removeLayer(marker); marker = null; }
    shown.textContent = wanggeCasesT("notPicked", "尚未选点");
    located.textContent = "";
    showHandler("");
    clearButton.hidden = true;
    nearby();
  });

  if (locateButton && navigator.geolocation) {
    locateButton.hidden = false;
    locateButton.addEventListener("click", function () {
      locateButton.disabled = true;
      navigator.geolocation.getCurrentPosition(function (position) {
        locateButton.disabled = false;
        if (placeGrid) { placeGrid.value = ""; }
        place(position.coords.latitude, position.coords.longitude, { zoom: 16 });
      }, function () {
        locateButton.disabled = false;
        shown.textContent = wanggeCasesT("noLocation", "无法获取当前位置，请搜索小区、在地图上点选或填写地址");
      }, { enableHighAccuracy: true, timeout: 8000 });
    });
  }

  // ------------------------------------------------------------------ search
  var query = document.getElementById("place-q");
  var results = document.getElementById("place-results");
  var status = document.getElementById("place-status");
  var timer = null;
  var asked = "";

  function pick(row) {
    results.hidden = true;
    results.textContent = "";
    query.value = row.name;
    status.textContent = wanggeCasesT("chosen", "已选择：{name}（{street} {community}）", { name: row.name, street: row.street, community: row.community });
    if (address && (!address.value || address.value === autoAddress)) {
      address.value = row.name;
      autoAddress = row.name;
    }
    if (placeGrid) { placeGrid.value = row.grid_id; }
    if (row.lat !== null && row.lng !== null) {
      place(row.lat, row.lng, { zoom: 17 });
    } else {
      located.textContent = wanggeCasesT("gridIs", "所属网格：{grid}", { grid: row.grid });
      showHandler(row.handler);
      nearby();
    }
  }

  function search() {
    var q = query.value.trim();
    if (q === asked) { return; }
    asked = q;
    if (q.length < 2) { results.hidden = true; status.textContent = ""; return; }
    getJSON(query.dataset.url + "?q=" + encodeURIComponent(q)).then(function (data) {
      if (query.value.trim() !== q) { return; }
      results.textContent = "";
      data.results.forEach(function (row) {
        var item = el("li");
        var button = el("button", "place-option");
        button.type = "button";
        button.setAttribute("role", "option");
        button.appendChild(el("strong", "", row.name));
        button.appendChild(el("span", "muted small", " " + row.street + " " + row.community));
        button.addEventListener("click", function () { pick(row); });
        item.appendChild(button);
        results.appendChild(item);
      });
      results.hidden = data.results.length === 0;
      status.textContent = data.results.length ? "" : wanggeCasesT("notFound", "没有找到，请换个说法，或在地图上点选");
    }).catch(function (error) { status.textContent = error.message; });
  }

  if (query) {
    query.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 250);
    });
    query.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); window.clearTimeout(timer); asked = ""; search(); }
    });
  }

  // ------------------------------------------------------------------ nearby reports
  var nearbyBox = document.getElementById("nearby");
  var nearbyList = document.getElementById("nearby-list");

  function follow(button, row) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.querySelector("input[name=csrfmiddlewaretoken]").value);
    body.append("number", row.number);
    var phone = document.getElementById("id_reporter_phone");
    if (phone && !anonymous()) { body.append("phone", phone.value.trim()); }
    if (window.WanggeMine) { body.append("device", window.WanggeMine.device()); }
    button.disabled = true;
    fetch(form.dataset.followUrl, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) { throw new Error(data.error || wanggeCasesT("followFailed", "关注失败")); }
          return data;
        });
      })
      .then(function (data) {
        if (window.WanggeMine) { window.WanggeMine.remember({ t: data.token, n: data.number, k: "follow" }); }
        var done = el("p", "followed small", wanggeCasesT("followedDone", "已关注，共 {n} 人反映此问题。办理进度可在", { n: data.followers }));
        var link = el("a", "", wanggeCasesT("myReports", "「我的上报」"));
        link.href = form.dataset.mineUrl;
        done.appendChild(link);
        done.appendChild(document.createTextNode(wanggeCasesT("seeThere", "查看。")));
        button.replaceWith(done);
      })
      .catch(function (error) {
        button.disabled = false;
        button.textContent = error.message + wanggeCasesT("retry", "，点此重试");
      });
  }

  function anonymous() {
    var tick = document.getElementById("id_anonymous");
    return tick && tick.checked;
  }

  function nearby() {
    if (!nearbyBox || !form.dataset.nearbyUrl) { return; }
    if (!category.value || !latInput.value || !lngInput.value) { nearbyBox.hidden = true; return; }
    var url = form.dataset.nearbyUrl + "?category=" + encodeURIComponent(category.value) +
      "&lat=" + latInput.value + "&lng=" + lngInput.value;
    getJSON(url).then(function (data) {
      nearbyList.textContent = "";
      data.results.forEach(function (row) {
        var item = el("li", "nearby-item");
        item.dataset.number = row.number;
        item.appendChild(el("strong", "", row.category));
        item.appendChild(el("span", "badge", row.status));
        var meta = [row.place, row.distance < 20 ? wanggeCasesT("nearHere", "就在附近") : wanggeCasesT("metresAway", "约 {n} 米", { n: row.distance }), row.age];
        if (row.followers) { meta.push(wanggeCasesT("followersCount", "{n} 人关注", { n: row.followers })); }
        item.appendChild(el("div", "muted small", meta.join(" · ")));
        var button = el("button", "btn btn-small follow-button", wanggeCasesT("sameProblem", "这也是我的问题"));
        button.type = "button";
        button.addEventListener("click", function () { follow(button, row); });
        item.appendChild(button);
        nearbyList.appendChild(item);
      });
      nearbyBox.hidden = data.results.length === 0;
    }).catch(function () { nearbyBox.hidden = true; });
  }

  if (category) { category.addEventListener("change", nearby); }

  if (latInput.value && lngInput.value) {
    place(parseFloat(latInput.value), parseFloat(lngInput.value), { zoom: 15 });
  }
})();
