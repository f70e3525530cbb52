// Draws the dashboard's charts from the JSON the server embedded in the page (Chart.js, served
// by the bot from its own npm copy). Plain browser JavaScript, no build step.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dashboard-data').textContent);
  var palette = ['#2563eb', '#16a34a', '#dc2626', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#9ca3af', '#0f766e'];
  var drawn = 0;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return;
    new Chart(canvas, config);
    drawn++;
  }
  var short = function (day) { return day.slice(5); };
  var rate = function (a, b) { return b ? Math.round((a / b) * 1000) / 10 : null; };

  draw('chart-questions', {
    data: {
      labels: data.questionsPerDay.map(function (r) { return short(r.day); }),
      datasets: [
        { type: 'bar', label: '提问 questions', data: data.questionsPerDay.map(function (r) { return r.questions; }), backgroundColor: '#93c5fd', yAxisID: 'y' },
        { type: 'line', label: '已回答 answered %', data: data.questionsPerDay.map(function (r) { return rate(r.answered, r.questions); }), borderColor: '#16a34a', backgroundColor: '#16a34a', yAxisID: 'rate', spanGaps: true, pointRadius: 2 },
      ],
    },
    options: { scales: { y: { beginAtZero: true }, rate: { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false } } } },
  });

  draw('chart-feedback', {
    data: {
      labels: data.feedbackPerDay.map(function (r) { return short(r.day); }),
      datasets: [
        { type: 'bar', label: '有帮助 helpful', data: data.feedbackPerDay.map(function (r) { return r.up; }), backgroundColor: '#86efac', stack: 'votes', yAxisID: 'y' },
        { type: 'bar', label: '没帮助 not helpful', data: data.feedbackPerDay.map(function (r) { return r.down; }), backgroundColor: '#fca5a5', stack: 'votes', yAxisID: 'y' },
        { type: 'line', label: '有帮助 helpful %', data: data.feedbackPerDay.map(function (r) { return rate(r.up, r.up + r.down); }), borderColor: '#15803d', yAxisID: 'rate', spanGaps: true, pointRadius: 2 },
      ],
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true }, rate: { position: 'right', min: 0, max: 100, grid: { drawOnChartArea: false } } } },
  });

  draw('chart-unanswered', {
    type: 'bar',
    data: {
      labels: data.unansweredTopics.map(function (g) { return g.topic; }),
      datasets: [{ label: '未回答次数 times asked, unanswered', data: data.unansweredTopics.map(function (g) { return g.count; }), backgroundColor: '#fdba74' }],
    },
    options: { indexAxis: 'y', plugins: { legend: { display: false } } },
  });

  draw('chart-precheck', {
    type: 'bar',
    data: {
      labels: data.precheck.weeks,
      datasets: data.precheck.rules.slice(0, 10).map(function (r, i) {
        return { label: r.rule, data: r.counts, backgroundColor: palette[i % palette.length], stack: 'rules' };
      }),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } }, plugins: { legend: { position: 'bottom', labels: { boxWidth: 10 } } } },
  });

  draw('chart-credit', {
    type: 'bar',
    data: {
      labels: data.credit.statuses,
      datasets: data.credit.grades.map(function (g, i) {
        return { label: 'grade ' + g, data: data.credit.counts[i], backgroundColor: palette[i % palette.length], stack: 'grades' };
      }),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });

  document.body.dataset.chartsDrawn = String(drawn);
})();
