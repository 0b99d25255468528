// The reach planner's chart: what each sharer adds (bars) and the running total (line).
(function () {
  "use strict";

  function drawCharts(root) {
    if (typeof Plotly === "undefined") return;
    root.querySelectorAll("[data-reach-chart]").forEach((box) => {
      if (box.dataset.drawn) return;
      const source = box.querySelector('script[type="application/json"]');
      if (!source) return;
      const data = JSON.parse(source.textContent);
      // Plotly draws axis labels as markup: a name must stay text.
      data.names = data.names.map((name) =>
        String(name).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]));
      const plot = document.createElement("div");
      plot.className = "reach-plot";
      box.append(plot);
      box.dataset.drawn = "true";
      const traces = [
        { type: "bar", name: "Adds", x: data.names, y: data.adds, marker: { color: "#0f6e63" },
          hovertemplate: "%{x}: adds %{y}<extra></extra>" },
        { type: "scatter", mode: "lines+markers", name: "Running total", x: data.names, y: data.cumulative,
          line: { color: "#e6862a", width: 3 }, marker: { size: 8 },
          hovertemplate: "Up to %{x}: %{y}<extra></extra>" },
      ];
      const layout = {
        margin: { l: 48, r: 12, t: 28, b: 8 },
        height: 300,
        barmode: "overlay",
        legend: { orientation: "h", x: 0, y: 1.12 },
        xaxis: { automargin: true, tickangle: data.names.length > 4 ? -30 : 0 },
        yaxis: { title: { text: "people" }, rangemode: "tozero", gridcolor: "#e7ebe8" },
        paper_bgcolor: "rgba(0,0,0,0)",
        plot_bgcolor: "rgba(0,0,0,0)",
        font: { family: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size: 12 },
      };
      Plotly.newPlot(plot, traces, layout, { responsive: true, displaylogo: false, displayModeBar: false });
    });
  }

  document.addEventListener("DOMContentLoaded", () => drawCharts(document));
  document.addEventListener("htmx:afterSettle", () => drawCharts(document));
})();
