// The portrait's radar (its aspects against the peers' average and last year) and its trend,
// drawn by ECharts from the JSON the page carries.
(function () {
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function draw() {
    if (!window.echarts) return;
    var radar = read("radar-data");
    var box = document.querySelector("[data-radar]");
    if (radar && box) {
      var series = [{ value: radar.own, name: box.dataset.own }];
      if (radar.peers.some(function (v) { return v !== null; })) {
        series.push({ value: radar.peers, name: box.dataset.peers, lineStyle: { type: "dashed" } });
      }
      if (radar.last_year) {
        series.push({ value: radar.last_year, name: box.dataset.lastYear, lineStyle: { type: "dotted" } });
      }
      var chart = echarts.init(box);
      chart.setOption({
        animation: false,
        tooltip: {},
        legend: { bottom: 0, data: series.map(function (s) { return s.name; }) },
        radar: { indicator: radar.axes, radius: "62%" },
        series: [{ type: "radar", data: series }],
      });
      box.dataset.drawn = "1";
    }
    var trend = read("trend-data");
    var line = document.querySelector("[data-trend]");
    if (trend && line && trend.length) {
      echarts.init(line).setOption({
        animation: false,
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: trend.map(function (p) { return String(p[0]); }) },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [{ type: "line", data: trend.map(function (p) { return p[1]; }) }],
      });
    }
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
