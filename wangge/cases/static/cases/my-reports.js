/* 我的上报: this phone remembers the reports made and the problems followed on it
   (their tokens in localStorage), so nobody has to copy a code. WanggeMine.remember()
   is called by the report page (after a follow) and by the tracking page (after a
   report); the 我的上报 page lists them with their live status. */

var wanggeCasesT = window.wanggeCasesT;  /* strings.js */
var el = window.wanggeCasesEl;

(function () {
  "use strict";
  var KEY = "wangge.mine";
  var DEVICE = "wangge.device";
  var MAX = 30;

  function read() {
    try {
      var rows = JSON.parse(window.localStorage.getItem(KEY) || "[]");
      return Array.isArray(rows) ? rows : [];
    } catch (e) { return []; }
  }

  function write(rows) {
    try { window.localStorage.setItem(KEY, JSON.stringify(rows.slice(0, MAX))); } catch (e) { /* private mode */ }
  }

  function remember(entry) {
    if (!entry || !entry.t) { return; }
    var rows = read().filter(function (row) { return row.t !== entry.t; });
    rows.unshift({ t: entry.t, n: entry.n || "", k: entry.k || "report", at: new Date().toISOString() });
    write(rows);
  }

  function forget(token) { write(read().filter(function (row) { return row.t !== token; })); }

  function device() {
    var id = "";
    try { id = window.localStorage.getItem(DEVICE) || ""; } catch (e) { return ""; }
    if (!id && window.crypto && window.crypto.getRandomValues) {
      var bytes = new Uint8Array(16);
      window.crypto.getRandomValues(bytes);
      id = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
      try { window.localStorage.setItem(DEVICE, id); } catch (e) { return ""; }
    }
    return id;
  }

  window.WanggeMine = { remember: remember, list: read, forget: forget, device: device };

  // The tracking page right after a report: remember it on this phone.
  var done = document.getElementById("report-done");
  if (done && done.dataset.token) {
    remember({ t: done.dataset.token, n: done.dataset.number, k: "report" });
  }

  // The 我的上报 page.
  var box = document.getElementById("my-reports");
  if (!box) { return; }
  var list = document.getElementById("my-reports-list");
  var empty = document.getElementById("my-reports-empty");
  var rows = read();
  if (!rows.length) { empty.hidden = false; return; }

  function render(statuses) {
    list.textContent = "";
    var shown = 0;
    rows.forEach(function (row) {
      var info = statuses ? statuses[row.t] : null;
      if (statuses && !info) { return; }
      shown += 1;
      var item = el("li", "mine-item");
      item.dataset.number = row.n;
      var link = el("a", "mine-link");
      link.href = (row.k === "follow" ? box.dataset.followedUrl : box.dataset.trackUrl).replace("TOKEN", encodeURIComponent(row.t));
      var head = el("div", "mine-head");
      head.appendChild(el("strong", "", info ? info.category : wanggeCasesT("report", "上报")));
      head.appendChild(el("span", "badge mine-status" + (info && info.resolved ? " badge-done" : ""), info ? info.status : wanggeCasesT("querying", "查询中…")));
      link.appendChild(head);
      var meta = [row.k === "follow" ? wanggeCasesT("mineFollowed", "我关注的") : wanggeCasesT("mineReported", "我上报的"), wanggeCasesT("numberIs", "编号 {n}", { n: info ? info.number : row.n })];
      if (info && info.handler) { meta.push(wanggeCasesT("handlerIs", "承办：{unit}", { unit: info.handler })); }
      link.appendChild(el("div", "muted small", meta.join(" · ")));
      if (info && info.note && info.note !== info.status) { link.appendChild(el("div", "small", info.note)); }
      item.appendChild(link);
      list.appendChild(item);
    });
    empty.hidden = shown > 0;
  }

  render(null);
  var body = new FormData();
  body.append("tokens", rows.map(function (row) { return row.t; }).join(","));
  body.append("csrfmiddlewaretoken", box.querySelector("input[name=csrfmiddlewaretoken]").value);
  fetch(box.dataset.statusUrl, { method: "POST", body: body, credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
    .then(function (data) { render(data.cases || {}); })
    .catch(function () { document.getElementById("my-reports-error").hidden = false; });
})();
