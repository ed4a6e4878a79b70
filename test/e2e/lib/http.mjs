// HTTP helpers for the tests: publishing, free ports, polling with a time limit, and a raw SSE
// capture that keeps the exact bytes and parses them with eventsource-parser.
import http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import zlib from 'node:zlib';
import { createParser } from 'eventsource-parser';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls `fn` until it returns a truthy value; throws after `timeoutMs` with `what`.
export async function waitUntil(fn, { timeoutMs = 5000, intervalMs = 20, what = 'condition' } = {}) {
  const end = performance.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (performance.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

// A port that was free a moment ago (for programs that cannot be told to pick one).
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// POST /publish. `body` is sent as JSON unless it is a string. Returns {status, json, text, headers}.
export async function publish(base, token, body, { contentType = 'application/json', auth } = {}) {
  const headers = { 'Content-Type': contentType };
  const authorization = auth ?? (token ? `Bearer ${token}` : undefined);
  if (authorization) headers.Authorization = authorization;
  const res = await fetch(`${base}/publish`, {
    method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(20000),
  });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* left null: the test says what it expected */ }
  return { status: res.status, json, text, headers: res.headers };
}

// GET `name` from `base`/metrics: the sum of its samples (every label set), or undefined when
// the server does not export it.
export async function metric(base, name) {
  const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
  let sum;
  for (const m of text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'gm'))) sum = (sum ?? 0) + Number(m[1]);
  return sum;
}

export async function publishOk(base, token, body) {
  const r = await publish(base, token, body);
  if (r.status !== 202) throw new Error(`publish answered ${r.status}: ${r.text}`);
  return r.json.ids;
}

// GET an event stream and keep everything: `raw` bytes, parsed `events` (id, event, data, at:
// receive time in performance.now() ms), `comments` (heartbeats), and `ended`.
export class SseCapture {
  constructor(url, { headers = {}, gunzip = false } = {}) {
    this.url = url;
    this.events = [];
    this.comments = [];
    this.chunks = [];
    this.ended = false;
    this.decoder = new TextDecoder();
    this.parser = createParser({
      onEvent: (e) => this.events.push({ id: e.id, event: e.event ?? 'message', data: e.data, at: performance.now() }),
      onComment: (c) => this.comments.push({ text: c, at: performance.now() }),
    });
    this.opened = new Promise((resolve, reject) => {
      this.req = http.get(url, { headers }, (res) => {
        this.res = res;
        const body = gunzip && res.headers['content-encoding'] === 'gzip'
          ? res.pipe(zlib.createGunzip({ flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH }))
          : res;
        body.on('data', (chunk) => this.onData(chunk));
        body.on('end', () => { this.ended = true; });
        body.on('error', () => { this.ended = true; });
        resolve(res);
      });
      this.req.on('error', (e) => { this.ended = true; reject(e); });
    });
    this.opened.catch(() => {}); // a stream closed before its headers is not an unhandled error
  }

  onData(chunk) {
    this.chunks.push(chunk);
    this.parser.feed(this.decoder.decode(chunk, { stream: true }));
  }

  get raw() {
    return Buffer.concat(this.chunks);
  }

  // Waits for the first event that satisfies `pred` and returns it; fails at once if the
  // stream ends first.
  waitForEvent(pred, timeoutMs = 5000, what = 'an event') {
    return waitUntil(() => {
      const found = this.events.find(pred);
      if (!found && this.ended) throw new Error(`the stream ${this.url} ended before ${what}`);
      return found;
    }, { timeoutMs, intervalMs: 2, what: `${what} on ${this.url}` });
  }

  close() {
    this.req.destroy();
  }
}
