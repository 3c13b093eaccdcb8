// The cockpit's charts: every bar and point opens the records behind it. In large-screen mode
// the figures refresh from data.json every minute without reloading the page.
(function () {
  "use strict";
  var charts = [];

  function open(url) { if (url) { window.location.href = url; } }

  function bar(el, names, items, horizontal) {
    var chart = window.echarts.init(el);
    var data = items.map(function (i) { return { value: i.value, url: i.url }; });
    var category = { type: "category", data: names };
    chart.setOption({
      grid: { left: horizontal ? 90 : 40, right: 16, top: 16, bottom: 30 },
      tooltip: {},
      xAxis: horizontal ? { type: "value" } : category,
      yAxis: horizontal ? category : { type: "value" },
      series: [{ type: "bar", data: data }]
    });
    chart.on("click", function (p) { open(p.data && p.data.url); });
    return chart;
  }

  function draw(data) {
    charts.forEach(function (c) { c.dispose(); });
    charts = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-chart");
      if (kind === "trend") {
        var chart = window.echarts.init(el);
        chart.setOption({
          tooltip: { trigger: "axis" },
          legend: { top: 0 },
          grid: { left: 40, right: 16, top: 30, bottom: 30 },
          xAxis: { type: "category", data: data.trend.months },
          yAxis: { type: "value" },
          series: data.trend.series.map(function (s) {
            return { type: "line", name: s.label, data: s.points.map(function (p) {
              return { value: p.value, url: p.url };
            }) };
          })
        });
        chart.on("click", function (p) { open(p.data && p.data.url); });
        charts.push(chart);
      } else if (kind === "breakdown") {
        var b = data.breakdowns[Number(el.getAttribute("data-index"))];
        if (b) { charts.push(bar(el, b.items.map(function (i) { return i.name; }), b.items, true)); }
      } else if (kind === "map" && data.map) {
        window.echarts.registerMap(data.map.name, data.map.geojson);
        var values = data.map.data.map(function (d) { return d.value || 0; });
        var mapChart = window.echarts.init(el);
        mapChart.setOption({
          tooltip: { trigger: "item" },
          visualMap: {
            min: 0, max: Math.max.apply(null, values.concat([1])), calculable: true, left: 0,
            bottom: 0, inRange: { color: data.map.higher_is_better === true
              ? ["#fdecea", "#2e7d32"] : ["#e8f5e9", "#c0392b"] }
          },
          series: [{ type: "map", map: data.map.name, roam: false, data: data.map.data,
                     label: { show: true, fontSize: 10 } }]
        });
        mapChart.on("click", function (p) { open(p.data && p.data.url); });
        charts.push(mapChart);
      } else if (kind === "ranking") {
        charts.push(bar(el, data.ranking.map(function (i) { return i.name; }), data.ranking, true));
      }
    });
  }

  function refreshTiles(data) {
    data.tiles.forEach(function (t) {
      var tile = document.querySelector('[data-tile="' + t.id + '"] .value');
      if (tile) { tile.textContent = t.value === null ? "—" : t.value; }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var source = document.getElementById("cockpit-data");
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    draw(data);
    window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
    var config = document.getElementById("cockpit-config");
    if (config && config.getAttribute("data-big")) {
      document.body.classList.add("cockpit-big");
      setInterval(function () {
        fetch(config.getAttribute("data-source"), { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : null; })
          .then(function (fresh) { if (fresh) { refreshTiles(fresh); draw(fresh); } });
      }, 60000);
    }
  });
})();
