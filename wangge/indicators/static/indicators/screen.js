/* The command-centre screen: draws the embedded figures, then refreshes them from the
   JSON endpoint every few seconds. Text goes in with textContent only. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dashboard-data").textContent);
  var config = JSON.parse(document.getElementById("screen-config").textContent);
  var texts = JSON.parse(document.getElementById("screen-texts").textContent);
  var INK = "#dbe7ff", MUTED = "#7f93b5", LINE = "#1d3452", ACCENT = "#39c5ff";
  var ranking = echarts.init(document.getElementById("screen-ranking"));
  var trend = echarts.init(document.getElementById("screen-trend"));

  function meta(code) { return data.indicators[code] || { name: code, unit: "", decimals: 0 }; }
  function fmt(value, decimals) {
    if (value === null || value === undefined) { return "—"; }
    return Number(value).toLocaleString("zh-CN", { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function axis(extra) {
    var base = { axisLine: { lineStyle: { color: LINE } }, axisLabel: { color: MUTED },
                 splitLine: { lineStyle: { color: LINE } }, nameTextStyle: { color: MUTED } };
    for (var key in extra) { base[key] = extra[key]; }
    return base;
  }

  function drawCards() {
    var box = document.getElementById("screen-cards");
    box.replaceChildren();
    data.headline.forEach(function (row) {
      var card = el("div", undefined, "screen-card");
      card.setAttribute("data-indicator", row.code);
      card.appendChild(el("div", row.name, "label"));
      var value = el("div", fmt(row.value, row.decimals), "value");
      value.appendChild(el("span", row.unit, "unit"));
      card.appendChild(value);
      box.appendChild(card);
    });
  }

  function drawRanking() {
    var m = meta(data.rank_by);
    document.getElementById("ranking-title").textContent = texts.ranking + " · " + m.name;
    ranking.setOption({
      animation: false, backgroundColor: "transparent",
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 56, right: 16, top: 28, bottom: 64 },
      xAxis: axis({ type: "category", data: data.children.map(function (c) { return c.name; }),
                    axisLabel: { color: MUTED, rotate: data.children.length > 6 ? 30 : 0, interval: 0 } }),
      yAxis: axis({ type: "value", name: m.unit }),
      series: [{ type: "bar", name: m.name, itemStyle: { color: ACCENT },
                 data: data.children.map(function (c) { return c.values[data.rank_by]; }) }]
    }, true);
  }

  function drawTrend() {
    var codes = Object.keys(data.trend.series);
    var code = codes.indexOf("cases_received") >= 0 ? "cases_received" : codes[0];
    var m = meta(code);
    document.getElementById("trend-title").textContent = code ? m.name : texts.none;
    trend.setOption({
      animation: false, backgroundColor: "transparent",
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 56, right: 24, top: 28, bottom: 32 },
      xAxis: axis({ type: "category", data: data.trend.months, boundaryGap: false }),
      yAxis: axis({ type: "value", name: m.unit }),
      series: code ? [{ type: "line", name: m.name, data: data.trend.series[code], smooth: true,
                        itemStyle: { color: "#ffd166" }, areaStyle: { opacity: 0.15 } }] : []
    }, true);
  }

  function drawTable(id, columns, rows, nameOf) {
    var table = document.getElementById(id);
    var head = el("tr");
    head.appendChild(el("th", texts.rank, "num"));
    head.appendChild(el("th", texts.name));
    columns.forEach(function (code) { head.appendChild(el("th", meta(code).name, "num")); });
    table.tHead.replaceChildren(head);
    var body = table.tBodies[0];
    body.replaceChildren();
    rows.slice(0, 10).forEach(function (row) {
      var tr = el("tr");
      tr.appendChild(el("td", row.rank === null ? "—" : String(row.rank), "num"));
      tr.appendChild(el("td", nameOf(row)));
      columns.forEach(function (code) { tr.appendChild(el("td", fmt(row.values[code], meta(code).decimals), "num")); });
      body.appendChild(tr);
    });
    if (!rows.length) {
      var empty = el("tr"), cell = el("td", texts.no_data);
      cell.colSpan = columns.length + 2;
      empty.appendChild(cell);
      body.appendChild(empty);
    }
  }

  function draw() {
    drawCards();
    drawRanking();
    drawTrend();
    drawTable("screen-children", [data.rank_by].concat(data.ranking_columns.slice(0, 3)), data.children,
              function (row) { return row.name; });
    drawTable("screen-departments", data.department_columns.slice(0, 4), data.departments,
              function (row) { return row.name; });
    document.getElementById("screen-updated").textContent = data.computed_at || data.generated_at;
  }

  function refresh() {
    fetch(config.data_url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (fresh) {
        if (!fresh) { return; }
        data = fresh;
        draw();
        var count = Number(document.body.getAttribute("data-refresh-count")) + 1;
        document.body.setAttribute("data-refresh-count", String(count));
      })
      .catch(function () { /* keep the last figures on screen; try again next time */ });
  }

  function tick() {
    var now = new Date();
    document.getElementById("screen-clock").textContent = now.toLocaleString("zh-CN", { hour12: false });
  }

  draw();
  tick();
  setInterval(tick, 1000);
  setInterval(refresh, Math.max(2, config.refresh_seconds) * 1000);
  window.addEventListener("resize", function () { ranking.resize(); trend.resize(); });
})();
