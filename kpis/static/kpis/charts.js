// Trend charts of the KPI pages: one Chart.js line per canvas listed in #kpi-chart-data.
(function () {
  "use strict";
  const source = document.getElementById("kpi-chart-data");
  if (!source || typeof Chart === "undefined") return;
  for (const chart of JSON.parse(source.textContent)) {
    const canvas = document.getElementById(chart.id);
    if (!canvas) continue;
    const small = canvas.parentElement.offsetHeight < 120;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: chart.labels,
        // null values are "no data": Chart.js leaves a gap rather than drawing a zero.
        datasets: [{ data: chart.values, tension: 0.25, pointRadius: small ? 1.5 : 3, spanGaps: false }],
      },
      options: {
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: small ? { x: { display: false }, y: { display: false } } : {},
      },
    });
  }
})();
