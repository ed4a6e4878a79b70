// The server panel, fed by the built-in "stats" event
// {subscribers, connections, published, delivered, slowDisconnects, time}: the numbers, and
// rates from the difference between two stats events (published and delivered are totals).
function show(id, value) {
  const el = document.getElementById(id);
  el.dataset.value = value == null ? '' : String(value);
  el.textContent = value == null ? '–' : String(value);
}

function perSecond(now, before, key, seconds) {
  const delta = now[key] - before[key];
  return delta >= 0 ? Math.round((delta / seconds) * 10) / 10 : null; // < 0: the server restarted
}

export class StatsPanel {
  constructor(chart) {
    this.chart = chart;
    this.previous = null;
  }

  update(stats) {
    const at = Date.parse(stats.time);
    let rate = null;
    let deliveredRate = null;
    const before = this.previous;
    if (before && at > before.at) {
      const seconds = (at - before.at) / 1000;
      rate = perSecond(stats, before, 'published', seconds);
      deliveredRate = perSecond(stats, before, 'delivered', seconds);
    }
    this.previous = { at, published: stats.published, delivered: stats.delivered };
    show('subscribers', stats.subscribers);
    show('connections', stats.connections);
    show('published', stats.published);
    show('slow', stats.slowDisconnects);
    show('rate', rate);
    show('delivered-rate', deliveredRate);
    this.chart.push([rate, stats.subscribers]);
  }
}
