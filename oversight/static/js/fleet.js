/* The fleet's maps: the uploaded GeoJSON (areas and fences) registered as an ECharts map, the
   day's track as a line, warnings as marked points. Nothing is downloaded: no tiles. */
(function () {
  "use strict";
  function draw() {
    var el = document.querySelector("[data-fleet-map]");
    var source = document.getElementById("fleet-map-data");
    if (!el || !source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    var chart;
    if (!data.geojson.features.length) {
      /* No areas uploaded yet: the track and its marks still show, on longitude and latitude
         axes instead of a map (nothing to register, nothing downloaded). */
      if (!data.track.length && !data.marks.length) { el.hidden = true; return; }
      chart = window.echarts.init(el);
      chart.setOption({
        tooltip: { trigger: "item" },
        grid: { left: 56, right: 16, top: 16, bottom: 40 },
        xAxis: { type: "value", scale: true, name: el.dataset.lon || "lon" },
        yAxis: { type: "value", scale: true, name: el.dataset.lat || "lat" },
        series: [
          { type: "line", showSymbol: false, data: data.track, lineStyle: { color: "#1565c0", width: 2 } },
          { type: "scatter", symbolSize: 14, itemStyle: { color: "#c0392b" },
            data: data.marks.map(function (m) { return { name: m.name + " " + m.at, value: m.value }; }) }
        ]
      });
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
      return;
    }
    window.echarts.registerMap("fleet", data.geojson);
    chart = window.echarts.init(el);
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
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); } else { draw(); }
})();
