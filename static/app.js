// Live page: one EventSource on /events; the server decides when to push.
'use strict';

const stateEl = document.getElementById('state');
const tickEl = document.getElementById('tick');
const feedEl = document.getElementById('feed');
const names = ['connecting', 'open', 'closed'];

function showState(es) {
  // readyState CONNECTING after having been open means the browser is reconnecting.
  let s = names[es.readyState];
  if (es.readyState === EventSource.CONNECTING && showState.wasOpen) s = 'reconnecting';
  if (es.readyState === EventSource.OPEN) showState.wasOpen = true;
  stateEl.textContent = s;
  stateEl.dataset.state = s;
  stateEl.className = 'state ' + s;
}

function addToFeed(type, id, data) {
  const li = document.createElement('li');
  li.textContent = `#${id} ${type} ${data}`;
  feedEl.prepend(li);
  while (feedEl.children.length > 50) feedEl.lastChild.remove();
}

const es = new EventSource('/events');
es.onopen = () => showState(es);
es.onerror = () => showState(es);
es.addEventListener('tick', (e) => {
  const t = JSON.parse(e.data);
  tickEl.textContent = `tick ${t.n} at ${t.time}`;
  tickEl.dataset.n = t.n;
  addToFeed('tick', e.lastEventId, e.data);
});
es.onmessage = (e) => addToFeed('message', e.lastEventId, e.data);
setInterval(() => showState(es), 500);
showState(es);
