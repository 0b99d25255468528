// Charts of the insights pages, drawn with the locally served Plotly from JSON in the page.
(function () {
  "use strict";
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var layout = { margin: { t: 10, r: 10, b: 60, l: 50 }, autosize: true };
  var options = { responsive: true, displaylogo: false };
  function draw() {
    if (!window.Plotly) { return; }
    var roi = data("roi-chart-data");
    if (roi) {
      window.Plotly.newPlot("roi-chart", [
        { type: "bar", x: roi.names, y: roi.per_hour, name: "Return per hour", marker: { color: "#2f6f4f" } }
      ], Object.assign({ yaxis: { title: { text: "per hour" } } }, layout), options);
    }
    var history = data("history-chart-data");
    if (history) {
      window.Plotly.newPlot("history-chart", history.map(function (c) {
        return { type: "scatter", mode: "lines+markers", x: c.x, y: c.y, name: c.name };
      }), Object.assign({ yaxis: { title: { text: "share promotional" }, tickformat: ".0%", range: [0, 1] } }, layout), options);
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
