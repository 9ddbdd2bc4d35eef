/* Dashboard charts: data comes from the json_script block, never from inline HTML. */
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];
  var RED = "#c8102e";

  function meta(code) { return data.indicators[code] || { name: code, unit: "", decimals: 0 }; }

  function baseOption() {
    // richText tooltips are drawn on the canvas: names from records never become HTML.
    return { animation: false, tooltip: { trigger: "axis", renderMode: "richText" },
             textStyle: { fontFamily: "sans-serif" } };
  }

  var rankEl = document.getElementById("chart-ranking");
  if (rankEl && data.children.length) {
    var rankMeta = meta(data.rank_by);
    var bar = echarts.init(rankEl);
    var option = baseOption();
    option.grid = { left: 56, right: 16, top: 32, bottom: 72 };
    option.xAxis = { type: "category", data: data.children.map(function (c) { return c.name; }),
                     axisLabel: { rotate: data.children.length > 6 ? 30 : 0, interval: 0 } };
    option.yAxis = { type: "value", name: rankMeta.unit };
    option.series = [{ type: "bar", name: rankMeta.name, cursor: "pointer", itemStyle: { color: RED },
                       data: data.children.map(function (c) { return c.values[data.rank_by]; }) }];
    bar.setOption(option);
    // Clicking a bar goes down one level, like clicking the row.
    bar.on("click", function (params) {
      var child = data.children[params.dataIndex];
      if (child) { window.location.href = child.url; }
    });
    rankEl.setAttribute("data-rendered", "1");
    charts.push(bar);
  }

  var trendEl = document.getElementById("chart-trend");
  var picker = document.getElementById("trend-indicator");
  if (trendEl && data.trend.months.length) {
    var line = echarts.init(trendEl);
    var draw = function (code) {
      var m = meta(code);
      var option = baseOption();
      option.grid = { left: 56, right: 24, top: 32, bottom: 32 };
      option.xAxis = { type: "category", data: data.trend.months, boundaryGap: false };
      option.yAxis = { type: "value", name: m.unit };
      option.series = [{ type: "line", name: m.name, data: data.trend.series[code] || [],
                         itemStyle: { color: RED }, areaStyle: { opacity: 0.08 }, connectNulls: false }];
      line.setOption(option, true);
      trendEl.setAttribute("data-indicator", code);
    };
    draw(picker ? picker.value : Object.keys(data.trend.series)[0]);
    if (picker) { picker.addEventListener("change", function () { draw(picker.value); }); }
    trendEl.setAttribute("data-rendered", "1");
    charts.push(line);
  }

  document.querySelectorAll("tr.drill[data-href]").forEach(function (row) {
    row.addEventListener("click", function (event) {
      if (event.target.closest("a")) { return; }
      window.location.href = row.getAttribute("data-href");
    });
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
