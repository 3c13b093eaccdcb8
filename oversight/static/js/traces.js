// The trace graph: an ECharts graph series (force layout) from the page's JSON.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-trace-graph]").forEach((el) => {
    const data = JSON.parse(document.getElementById(el.dataset.traceGraph).textContent);
    const chart = echarts.init(el);
    chart.setOption({
      tooltip: {},
      legend: [{ data: data.categories.map((c) => c.name) }],
      series: [{
        type: "graph",
        layout: "force",
        roam: true,
        draggable: true,
        label: { show: true, position: "right" },
        edgeLabel: { show: true, formatter: (p) => p.data.label },
        force: { repulsion: 220, edgeLength: 90 },
        categories: data.categories,
        data: data.nodes,
        links: data.links,
      }],
    });
    el.dataset.drawn = "1";
    window.addEventListener("resize", () => chart.resize());
  });
});
