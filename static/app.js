// The live dashboard. One EventSource (stream.js) feeds the ticker, the server panel
// (stats_panel.js, chart.js) and the feed (feed.js); publish.js posts new events.
//
// Page address options:
//   ?topic=a&topic=b   subscribe to those topics only (default: every topic)
//   ?event=name        listen for that event name from the start (repeatable)
// EventSource hands an event to a listener of its exact name only, so the page listens for
// "message", the built-in names, the names above, the names typed in "Listen for event name",
// and the name of each event sent from the publish form.
import { LineChart } from './chart.js';
import { Feed } from './feed.js';
import { setupPublishForm } from './publish.js';
import { StatsPanel } from './stats_panel.js';
import { LiveStream } from './stream.js';

const BUILTIN_TOPICS = { tick: 'ticker', stats: 'stats' }; // the server's default topic names
const HISTORY_LOST = 'ssehub.history-lost';
const $ = (id) => document.getElementById(id);

const params = new URLSearchParams(location.search);
const topics = params.getAll('topic');
const ownTopics = new Map(); // id -> topic of events published from this page (last 1000)
const feed = new Feed($('feed'));
const chart = new LineChart($('chart'));
const statsPanel = new StatsPanel(chart);

// The wire has no topic field: say it only where it is known.
function topicOf(e) {
  if (e.type in BUILTIN_TOPICS) return BUILTIN_TOPICS[e.type];
  if (e.type === HISTORY_LOST) return 'ssehub';
  if (ownTopics.has(e.lastEventId)) return ownTopics.get(e.lastEventId);
  return topics.length === 1 ? topics[0] : '';
}

function showTick(data) {
  const t = JSON.parse(data);
  $('tick').dataset.n = String(t.n);
  $('tick').textContent = `tick ${t.n}`;
  $('tick-time').textContent = `server time ${t.time}`;
}

function showHistoryLost(data, id) {
  const d = JSON.parse(data);
  const notice = $('notice');
  notice.dataset.kind = 'history-lost';
  notice.dataset.count = String(Number(notice.dataset.count || 0) + 1);
  notice.textContent = `Missed events: the server no longer holds what came after id ${d.lastEventId} `
    + '(it restarted, or they left its replay buffer). The feed goes on from id '
    + `${id}; reload anything that depends on the events in between.`;
  notice.hidden = false;
}

function onEvent(e) {
  const builtin = e.type in BUILTIN_TOPICS;
  feed.add({ id: e.lastEventId, event: e.type, topic: topicOf(e), data: e.data, builtin });
  try {
    if (e.type === 'tick') showTick(e.data);
    else if (e.type === 'stats') statsPanel.update(JSON.parse(e.data));
    else if (e.type === HISTORY_LOST) showHistoryLost(e.data, e.lastEventId);
  } catch (err) {
    console.warn(`ssehub: unreadable ${e.type} event`, err); // keep the page alive
  }
  $('last-id').dataset.id = e.lastEventId;
  $('last-id').textContent = e.lastEventId || 'none yet';
}

function onStateChange(s) {
  const el = $('state');
  el.textContent = s.state;
  el.dataset.state = s.state;
  el.className = `state ${s.state}`;
  $('reconnects').dataset.count = String(s.reconnects);
  $('reconnects').textContent = String(s.reconnects);
}

const stream = new LiveStream({ topics, onEvent, onStateChange });

function listen(name) {
  if (stream.listen(name)) {
    $('listening').textContent = [...stream.names].join(', ');
    $('listening').dataset.names = [...stream.names].join(' ');
  }
}

function rememberTopics(ids, topic) {
  for (const id of ids) {
    ownTopics.set(id, topic);
    feed.setTopic(id, topic);
  }
  while (ownTopics.size > 1000) ownTopics.delete(ownTopics.keys().next().value);
}

for (const name of ['message', 'tick', 'stats', HISTORY_LOST, ...params.getAll('event')]) listen(name);
setupPublishForm($('publish-form'), $('publish-result'), { onWillPublish: listen, onPublished: rememberTopics });
$('listen-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  listen($('listen-name').value.trim());
  $('listen-name').value = '';
});
$('hide-builtin').addEventListener('change', (ev) => $('feed').classList.toggle('hide-builtin', ev.target.checked));
window.addEventListener('resize', () => chart.draw());
$('subscription').textContent = stream.url(false);
chart.draw();
stream.start();
