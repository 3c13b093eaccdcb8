// Horizontal bar charts drawn from a json_script block: {names, series: [{label, values}], urls}.
// A click on a bar opens the URL of its row (the records or the next level down).
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-bars]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-bars"));
      if (!source) { return; }
      var data = JSON.parse(source.textContent);
      var chart = window.echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 110, right: 20, top: 30, bottom: 20 },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: data.names, inverse: true },
        series: data.series.map(function (s) {
          return { type: "bar", name: s.label, data: s.values };
        })
      });
      chart.on("click", function (p) {
        var url = data.urls[p.dataIndex];
        if (url) { window.location.href = url; }
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  });
})();
