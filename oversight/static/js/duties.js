// The live ranking's charts: the units' score distribution (bars) and the year's progress
// (reports due, made on time and accepted, month by month), from json_script blocks.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) { return; }
    function data(el, name) {
      var source = document.getElementById(el.getAttribute(name));
      return source ? JSON.parse(source.textContent) : null;
    }
    document.querySelectorAll("[data-distribution]").forEach(function (el) {
      var d = data(el, "data-distribution");
      if (!d) { return; }
      var chart = window.echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "axis" },
        grid: { left: 40, right: 20, top: 30, bottom: 30 },
        xAxis: { type: "category", data: d.names, name: "%" },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", name: el.getAttribute("data-label"), data: d.values }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
    document.querySelectorAll("[data-progress]").forEach(function (el) {
      var d = data(el, "data-progress");
      if (!d) { return; }
      var labels = d.labels;
      var chart = window.echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 40, right: 20, top: 30, bottom: 30 },
        xAxis: { type: "category", data: d.names },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { type: "line", name: labels[0], data: d.due },
          { type: "line", name: labels[1], data: d.on_time },
          { type: "line", name: labels[2], data: d.scored }
        ]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
