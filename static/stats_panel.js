// The server panel, fed by the built-in "stats" event
// {subscribers, connections, published, delivered, slowDisconnects, time, instance}: the
// numbers, and rates from the difference between two stats events of the same instance
// (published and delivered are totals). In a cluster every instance sends its own: the list
// under the numbers shows each one's figures, the numbers and the chart follow the newest event.
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
    this.previous = new Map(); // instance -> its previous stats
    this.charted = null;       // the instance the chart follows (the first one seen)
  }

  update(stats) {
    const instance = stats.instance ?? '';
    const at = Date.parse(stats.time);
    let rate = null;
    let deliveredRate = null;
    const before = this.previous.get(instance);
    if (before && at > before.at) {
      const seconds = (at - before.at) / 1000;
      rate = perSecond(stats, before, 'published', seconds);
      deliveredRate = perSecond(stats, before, 'delivered', seconds);
    }
    this.previous.set(instance, { at, published: stats.published, delivered: stats.delivered });
    show('subscribers', stats.subscribers);
    show('connections', stats.connections);
    show('published', stats.published);
    show('slow', stats.slowDisconnects);
    show('rate', rate);
    show('delivered-rate', deliveredRate);
    this.showInstance(instance, stats, deliveredRate);
    this.charted ??= instance;
    if (instance === this.charted) this.chart.push([rate, stats.subscribers]); // one point per interval
  }

  showInstance(instance, stats, deliveredRate) {
    const list = document.getElementById('instances');
    if (!list || !instance) return;
    let row = [...list.children].find((li) => li.dataset.instance === instance);
    if (!row) {
      row = document.createElement('li');
      row.dataset.instance = instance;
      list.append(row);
    }
    row.textContent = `${instance}: ${stats.subscribers} subscribers, ${stats.connections} connections, `
      + `${deliveredRate ?? '–'} delivered/s`;
  }
}
