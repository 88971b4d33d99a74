// Siphon admin: the little the pages do in the browser. Every page works
// without it; this adds live run progress (Server-Sent Events), the charts
// (uPlot, served from the package) and a few conveniences.

(() => {
  const $ = (selector, root = document) => root.querySelector(selector);

  /** A run page of a running run follows it live, then reloads once it ends to show the final state. */
  function followRun() {
    const section = $('#run[data-live]');
    if (!section || typeof EventSource === 'undefined') return;
    const source = new EventSource(section.dataset.live);
    const figures = (data) => {
      for (const [name, value] of Object.entries(data.text)) {
        const cell = $(`#run-${name}`);
        if (cell) cell.textContent = value;
      }
      const badge = $('#run-status .badge');
      if (badge) {
        badge.textContent = data.status;
        badge.className = `badge badge-${data.status}`;
      }
    };
    source.addEventListener('run', (message) => figures(JSON.parse(message.data)));
    source.addEventListener('events', (message) => {
      const body = $('#timeline tbody');
      if (!body) return;
      for (const event of JSON.parse(message.data)) {
        if (body.querySelector(`tr[data-event-id="${event.id}"]`)) continue;
        const row = document.createElement('tr');
        row.className = `event-${event.type}`;
        row.dataset.eventId = String(event.id);
        for (const text of [event.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'), '', event.type, event.text]) {
          const cell = document.createElement('td');
          cell.textContent = text;
          row.append(cell);
        }
        body.append(row);
      }
    });
    source.addEventListener('end', (message) => {
      source.close();
      figures(JSON.parse(message.data));
      section.dataset.status = JSON.parse(message.data).status;
      setTimeout(() => location.reload(), 300);
    });
  }

  /** Records, and duration with time waited, per run of one resource. */
  async function drawCharts() {
    const section = $('.charts[data-series]');
    if (!section || typeof uPlot === 'undefined') return;
    const response = await fetch(section.dataset.series, { headers: { accept: 'application/json' } });
    if (!response.ok) {
      $('#chart-note').textContent = `Could not load the runs (${response.status}).`;
      return;
    }
    const { runs } = await response.json();
    if (runs.length === 0) {
      $('#chart-note').textContent = 'No runs yet.';
      return;
    }
    const times = runs.map((run) => Date.parse(run.startedAt) / 1000);
    const width = () => Math.max(320, section.clientWidth - 8);
    const records = new uPlot(
      {
        width: width(),
        height: 260,
        scales: { x: { time: true } },
        series: [{}, { label: 'records', stroke: '#2557d6', width: 2, points: { show: true, size: 4 } }],
      },
      [times, runs.map((run) => run.records)],
      $('#chart-records'),
    );
    const duration = new uPlot(
      {
        width: width(),
        height: 260,
        scales: { x: { time: true } },
        series: [
          {},
          { label: 'duration (s)', stroke: '#067647', width: 2, points: { show: true, size: 4 } },
          { label: 'waited on rate limits (s)', stroke: '#b54708', width: 2, dash: [6, 4] },
        ],
      },
      [times, runs.map((run) => (run.durationMs === null ? null : run.durationMs / 1000)), runs.map((run) => run.waitedMs / 1000)],
      $('#chart-duration'),
    );
    section.dataset.drawn = String(runs.length);
    const failures = runs.filter((run) => run.status === 'failed').length;
    $('#chart-note').textContent = `${runs.length} runs${failures > 0 ? `, ${failures} failed` : ''}, oldest first.`;
    addEventListener('resize', () => {
      records.setSize({ width: width(), height: 260 });
      duration.setSize({ width: width(), height: 260 });
    });
  }

  /** Distinct, colour-blind friendly (Okabe–Ito); 2xx in blue, the rest in warmer tones. */
  const OUTCOME_COLOURS = ['#0072b2', '#d55e00', '#e69f00', '#cc79a7', '#009e73', '#56b4e9', '#f0e442', '#000000'];

  /** Requests per run, one line per outcome (each page's HTTP status, each retry's reason). */
  async function drawRequests() {
    const target = $('#chart-requests');
    if (!target || typeof uPlot === 'undefined') return;
    const response = await fetch(target.dataset.requests, { headers: { accept: 'application/json' } });
    if (!response.ok) throw new Error(`the requests could not be loaded (${response.status})`);
    const { runs, outcomes } = await response.json();
    if (runs.length === 0) return;
    const ordered = [...runs].reverse(); // oldest first, as time runs
    const width = () => Math.max(320, target.parentElement.clientWidth - 8);
    const chart = new uPlot(
      {
        width: width(),
        height: 240,
        scales: { x: { time: true } },
        series: [
          {},
          ...outcomes.map((outcome, index) => ({
            label: outcome,
            stroke: OUTCOME_COLOURS[index % OUTCOME_COLOURS.length],
            width: 2,
            points: { show: true, size: 5 },
          })),
        ],
      },
      [
        ordered.map((run) => Date.parse(run.startedAt) / 1000),
        ...outcomes.map((outcome) => ordered.map((run) => run.outcomes[outcome] ?? 0)),
      ],
      target,
    );
    target.dataset.drawn = String(outcomes.length);
    addEventListener('resize', () => chart.setSize({ width: width(), height: 240 }));
  }

  function conveniences() {
    for (const select of document.querySelectorAll('select[data-autosubmit]')) {
      select.addEventListener('change', () => select.form?.submit());
    }
    // One click, one run: the button waits for the answer.
    for (const form of document.querySelectorAll('form.run-now, form.inline')) {
      form.addEventListener('submit', () => {
        const button = form.querySelector('button');
        if (button) {
          button.disabled = true;
          button.textContent = 'Starting…';
        }
      });
    }
  }

  document.addEventListener('DOMContentLoaded', () => {
    conveniences();
    followRun();
    Promise.all([drawCharts(), drawRequests()]).catch((error) => {
      const note = $('#chart-note');
      if (note) note.textContent = `Could not draw the charts: ${error.message}`;
    });
  });
})();
