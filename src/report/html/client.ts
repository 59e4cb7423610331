/**
 * The page script of the HTML reports (plain ES5-style JS, inlined): reads the chart specs from
 * the `report-data` JSON element and draws each with uPlot into its element. Charts are kept in
 * `window.batchLoadCharts` (the browser tests read their canvases) and follow the window width.
 */
export const CLIENT_JS = `(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var charts = [];
  window.batchLoadCharts = charts;
  var DECADES = [1, 10, 100, 1000, 10000, 100000];
  function pct(x) {
    if (x == null) return '-';
    var p = 100 * (1 - 1 / x);
    return (Math.round(p * 1000) / 1000) + '%';
  }
  function num(v) {
    if (v == null) return '-';
    var a = Math.abs(v);
    return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : v.toPrecision(3);
  }
  function widthOf(el) { return Math.max(300, el.clientWidth || 600); }
  data.charts.forEach(function (spec) {
    var el = document.getElementById(spec.id);
    if (!el) return;
    var isPct = spec.x.kind === 'percentile';
    var xAxis = { label: spec.x.label };
    if (isPct) {
      xAxis.splits = function (u, i, min, max) { return DECADES.filter(function (d) { return d >= min && d <= max; }); };
      xAxis.values = function (u, vals) { return vals.map(pct); };
    }
    var opts = {
      title: spec.title,
      width: widthOf(el),
      height: 260,
      padding: [8, 28, 0, 0],
      scales: { x: spec.x.kind === 'time' ? { time: true } : { time: false, distr: isPct ? 3 : 1 } },
      axes: [xAxis, { label: spec.yLabel, size: 60 }],
      series: [{ label: spec.x.label, value: isPct ? function (u, v) { return pct(v); } : spec.x.kind === 'time' ? undefined : function (u, v) { return num(v); } }]
        .concat(spec.series.map(function (s) {
          return { label: s.label, stroke: s.color, width: 1.5, dash: s.dash ? [6, 4] : undefined,
                   points: { show: !!s.points, size: 6 }, spanGaps: false, value: function (u, v) { return num(v); } };
        }))
    };
    var values = [spec.x.values].concat(spec.series.map(function (s) { return s.values; }));
    charts.push({ id: spec.id, plot: new uPlot(opts, values, el), el: el });
  });
  var pending;
  window.addEventListener('resize', function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      charts.forEach(function (c) { c.plot.setSize({ width: widthOf(c.el), height: 260 }); });
    }, 150);
  });
})();`;
