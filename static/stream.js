// One EventSource on /events and what the page shows about it: the connection state
// (connecting, open, reconnecting, closed), how many times it came back, the last event id.
//
// The browser reconnects by itself after a network error, sending Last-Event-ID so the server
// replays what was missed. It gives up for good (readyState CLOSED) only when the server
// answers with an HTTP error; then this class opens a new EventSource after a back-off and puts
// the last id in the lastEventId query parameter, which the server reads like the header.
export class LiveStream {
  constructor({ topics = [], onEvent, onStateChange }) {
    this.topics = topics;
    this.onEvent = onEvent;
    this.onStateChange = onStateChange;
    this.names = new Set();   // event names listened for; EventSource has no "any event" hook
    this.state = 'connecting';
    this.reconnects = 0;      // opens after the first one
    this.lastId = '';
    this.wasOpen = false;
    this.restartDelayMs = 1000;
    this.es = null;
  }

  url(withLastId) {
    const q = new URLSearchParams();
    for (const t of this.topics) q.append('topic', t);
    if (withLastId && this.lastId) q.set('lastEventId', this.lastId);
    const s = q.toString();
    return s ? `/events?${s}` : '/events';
  }

  start() {
    this.open(false);
    // readyState changes without an event in a few cases (e.g. close()), so look now and then.
    setInterval(() => this.refreshState(), 500);
  }

  open(withLastId) {
    const es = new EventSource(this.url(withLastId));
    this.es = es;
    es.onopen = () => {
      if (this.wasOpen) this.reconnects += 1;
      this.wasOpen = true;
      this.restartDelayMs = 1000;
      this.refreshState();
    };
    es.onerror = () => {
      this.refreshState();
      if (es.readyState === EventSource.CLOSED) this.restartLater();
    };
    for (const name of this.names) es.addEventListener(name, this.handler());
  }

  restartLater() {
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, 30000);
    setTimeout(() => { if (this.es.readyState === EventSource.CLOSED) this.open(true); }, delay);
  }

  handler() {
    if (!this.boundHandler) {
      this.boundHandler = (e) => {
        if (e.lastEventId) this.lastId = e.lastEventId;
        this.onEvent(e);
      };
    }
    return this.boundHandler;
  }

  listen(name) {
    if (!name || this.names.has(name)) return false;
    this.names.add(name);
    if (this.es) this.es.addEventListener(name, this.handler());
    return true;
  }

  refreshState() {
    let s = 'closed';
    if (this.es.readyState === EventSource.OPEN) s = 'open';
    else if (this.es.readyState === EventSource.CONNECTING) s = this.wasOpen ? 'reconnecting' : 'connecting';
    const changed = s !== this.state;
    this.state = s;
    this.onStateChange(this, changed);
  }
}
