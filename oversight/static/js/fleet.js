/* The fleet's maps: the uploaded GeoJSON (areas and fences) registered as an ECharts map, the
   day's track as a line, warnings as marked points. Nothing is downloaded: no tiles. */
(function () {
  "use strict";
  function draw() {
    var el = document.querySelector("[data-fleet-map]");
    var source = document.getElementById("fleet-map-data");
    if (!el || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.geojson.features.length) { el.hidden = true; return; }
    window.echarts.registerMap("fleet", data.geojson);
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "item" },
      geo: {
        map: "fleet", roam: true, label: { show: false },
        itemStyle: { areaColor: "#f4f6f8", borderColor: "#8a99a8" },
        regions: data.fences.map(function (f) {
          return { name: f.name, itemStyle: { areaColor: f.kind === "concern" ? "#fde2e1" : f.kind === "garage" ? "#e3f2fd" : "#e8f5e9" } };
        })
      },
      series: [
        { type: "lines", coordinateSystem: "geo", polyline: true, data: data.track.length ? [{ coords: data.track }] : [],
          lineStyle: { color: "#1565c0", width: 2 } },
        { type: "scatter", coordinateSystem: "geo", symbolSize: 14, itemStyle: { color: "#c0392b" },
          data: data.marks.map(function (m) { return { name: m.name + " " + m.at, value: m.value }; }) }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
