// The WHATWG "interpret an event stream" rules, incrementally, for the soak test's 300
// clients: lines end in CRLF, LF or CR (also across chunk boundaries); a line starting with ':'
// is a comment; "field: value" loses one leading space; `data` lines join with LF; `id` sets the
// last event ID buffer unless it holds NUL; an empty line dispatches, and an event without data
// is dropped. Feed it decoded text (a socket with setEncoding('utf8') keeps characters whole).
export class SseParser {
  constructor(onEvent, onComment = () => {}) {
    this.onEvent = onEvent;
    this.onComment = onComment;
    this.pending = '';          // an unfinished line
    this.skipLF = false;        // the last chunk ended in CR: a leading LF belongs to it
    this.first = true;          // a leading BOM is ignored
    this.data = [];
    this.type = '';
    this.idBuffer = '';
    this.lastEventId = '';      // the source's "last event ID string", set at each dispatch
    this.retry = null;
  }

  // The last event ID survives reconnects (the browser keeps it); the rest does not.
  static resuming(lastEventId, onEvent, onComment) {
    const p = new SseParser(onEvent, onComment);
    p.idBuffer = p.lastEventId = lastEventId;
    return p;
  }

  feed(chunk) {
    let text = this.pending + chunk;
    this.pending = '';
    let pos = 0;
    if (this.first && text.length) {
      if (text.charCodeAt(0) === 0xfeff) pos = 1;
      this.first = false;
    }
    if (this.skipLF && text.length) {
      if (text[pos] === '\n') pos += 1;
      this.skipLF = false;
    }
    const n = text.length;
    // Positions of the next CR and LF, each searched again only once passed: one scan per chunk.
    let cr = text.indexOf('\r', pos);
    let lf = text.indexOf('\n', pos);
    while (pos < n) {
      if (cr !== -1 && cr < pos) cr = text.indexOf('\r', pos);
      if (lf !== -1 && lf < pos) lf = text.indexOf('\n', pos);
      const end = cr === -1 ? lf : lf === -1 ? cr : Math.min(cr, lf);
      if (end === -1) {
        this.pending = text.slice(pos);
        return;
      }
      this.line(text.slice(pos, end));
      if (text[end] === '\r') {
        if (end + 1 === n) { this.skipLF = true; pos = n; } else pos = text[end + 1] === '\n' ? end + 2 : end + 1;
      } else {
        pos = end + 1;
      }
    }
  }

  line(l) {
    if (l === '') return this.dispatch();
    if (l[0] === ':') return this.onComment(l.slice(1));
    const colon = l.indexOf(':');
    let field = l;
    let value = '';
    if (colon !== -1) {
      field = l.slice(0, colon);
      value = l.slice(colon + 1);
      if (value[0] === ' ') value = value.slice(1);
    }
    switch (field) {
      case 'event': this.type = value; break;
      case 'data': this.data.push(value); break;
      case 'id': if (!value.includes('\0')) this.idBuffer = value; break;
      case 'retry': if (/^[0-9]+$/.test(value)) this.retry = Number(value); break;
      default: break; // unknown fields are ignored
    }
  }

  dispatch() {
    this.lastEventId = this.idBuffer;
    if (this.data.length === 0) {
      this.type = '';
      return;
    }
    const event = { type: this.type || 'message', data: this.data.join('\n'), lastEventId: this.lastEventId };
    this.data = [];
    this.type = '';
    this.onEvent(event);
  }
}
