// Soak test: the real ssehub on 127.0.0.1 under churn, for a bounded time.
//
// 300 subscribers on 4 topics (one, two, three or all of them) drop and reconnect at random
// with Last-Event-ID; 5 of them read slowly (paused for seconds) so the server cuts them; 2
// "sleepers" stay away for longer than the ring holds when the run is long enough; 3
// publishers post arrays at different rates, each event carrying (publisher, topic, sequence).
// Checked: every subscriber got every event of its topics exactly once and in order across all
// of its reconnects, unless a history-lost event said a gap really exceeded the ring (then it
// follows the live stream again); everyone caught up at the end; slow readers were cut; after
// everyone left, the server's RSS and open descriptors came back to their baseline.
//
// Usage: node soak.mjs --binary build/release/app/ssehub [--seconds 45] [--subscribers 300]
//                      [--seed N] [--verbose]
// Prints the figures, then "N passed, N failed" last; exits non-zero on a failure.
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SseParser } from './sse_parser.mjs';
import { isRunning, openFds, rssBytes, startSsehub, waitForPort } from './ssehub_process.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const opt = parseArgs(process.argv.slice(2));
const TOPICS = 4;
const RING = 20000;
const QUEUE_BYTES = 65536;
const TOKEN = 'soak-token';
const MB = 1024 * 1024;
const SLOW_PAUSE_BYTES = 5.5 * MB;

function parseArgs(argv) {
  const o = { binary: path.join(here, '../../build/release/app/ssehub'), seconds: 45, subscribers: 300, seed: Date.now() % 1e9, verbose: false };
  for (let i = 0; i < argv.length; i += 1) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--binary') { o.binary = v; i += 1; } else if (k === '--seconds') { o.seconds = Number(v); i += 1; } else if (k === '--subscribers') { o.subscribers = Number(v); i += 1; } else if (k === '--seed') { o.seed = Number(v); i += 1; } else if (k === '--verbose') { o.verbose = true; } else {
      console.error(`unknown argument ${k}\nusage: node soak.mjs --binary PATH [--seconds 45] [--subscribers 300] [--seed N] [--verbose]`);
      process.exit(2);
    }
  }
  if (!(o.seconds > 0) || !(o.subscribers >= 60)) { console.error('--seconds > 0 and --subscribers >= 60'); process.exit(2); }
  return o;
}

// A seeded generator (mulberry32), so a failing run can be repeated with --seed.
let rngState = opt.seed >>> 0;
function random() {
  rngState = (rngState + 0x6d2b79f5) >>> 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const randInt = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (...a) => { if (opt.verbose) console.log('#', ...a); };

async function waitUntil(pred, timeoutMs, stepMs = 100) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await pred()) return true;
    await sleep(stepMs);
  }
  return pred();
}

// ---- State shared by publishers, subscribers and the checks --------------------------------

const stats = {
  published: 0, publishedBytes: 0, publishRequests: 0, publishFailures: 0, delivered: 0, connects: 0, reconnects: 0,
  selfCloses: 0, serverCloses: 0, slowServerCloses: 0, resets: 0, unjustifiedResets: 0, losses: 0,
  duplicates: 0, outOfOrderIds: 0, wrongTopic: 0, unexpected: 0, badStatus: 0, connectErrors: 0,
};
const problems = [];                    // the first few details of anything that went wrong
const note = (what) => { if (problems.length < 20) problems.push(what); };
const seq = [];                         // seq[p][t]: next sequence number publisher p gives topic t
const lastPubId = new Array(TOPICS).fill(0); // highest id published on each topic
let phase = 'run';                      // run -> drain (catch up) -> leave
let port = 0;
let genesisId = 0;

// ---- HTTP helpers (publish, metrics) --------------------------------------------------------

function request(method, target, body, agent) {
  return new Promise((resolve, reject) => {
    const headers = { Host: '127.0.0.1' };
    if (body !== undefined) Object.assign(headers, { 'Content-Type': 'application/json', Authorization: `Bearer ${TOKEN}`, 'Content-Length': Buffer.byteLength(body) });
    if (!agent) headers.Connection = 'close';
    const req = http.request({ host: '127.0.0.1', port, method, path: target, headers, agent: agent ?? false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: text }));
    });
    req.setTimeout(15000, () => req.destroy(new Error(`${method} ${target}: no answer in 15 s`)));
    req.on('error', reject);
    req.end(body);
  });
}

async function metrics() {
  const r = await request('GET', '/metrics');
  const out = {};
  for (const line of r.body.split('\n')) {
    const m = line.match(/^(ssehub_[a-z_]+) ([0-9.]+)$/);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

// ---- Subscribers ------------------------------------------------------------------------------

class Subscriber {
  constructor(index, topics, kind) {
    this.index = index;
    this.topics = topics;               // topic numbers; all of them when subscribed without ?topic=
    this.kind = kind;                   // 'normal', 'slow' or 'sleeper'
    this.target = topics.length === TOPICS && index % 20 === 9 ? '/events' : `/events?${topics.map((t) => `topic=t${t}`).join('&')}`;
    this.expect = new Map();            // p * TOPICS + t -> next sequence; absent after a reset
    this.lastId = genesisId;
    this.lastEventId = String(genesisId);
    this.sock = null;
    this.timers = new Set();
    this.away = false;                  // a sleeper's long absence
    this.connections = 0;
  }

  later(ms, fn) {
    const t = setTimeout(() => { this.timers.delete(t); fn(); }, ms);
    this.timers.add(t);
  }

  clearTimers() {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  connect() {
    if (this.sock || phase === 'leave') return;
    this.connections += 1;
    stats.connects += 1;
    if (this.connections > 1) stats.reconnects += 1;
    this.sentLastId = this.lastEventId;
    this.head = '';
    this.open = false;
    this.selfClose = false;
    this.parser = SseParser.resuming(this.lastEventId, (e) => this.onEvent(e));
    const sock = net.connect({ host: '127.0.0.1', port });
    this.sock = sock;
    sock.setEncoding('utf8');
    sock.setNoDelay(true);
    sock.on('connect', () => sock.write(`GET ${this.target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n`
      + `Last-Event-ID: ${this.sentLastId}\r\n\r\n`));
    sock.on('data', (d) => this.onData(d));
    sock.on('error', (e) => { if (!this.open && !this.selfClose) { stats.connectErrors += 1; note(`subscriber ${this.index}: ${e.code ?? e.message}`); } });
    sock.on('close', () => this.onClose());
    if (phase === 'run') this.scheduleChurn();
  }

  // Normal subscribers drop at random. Slow ones stop reading for seconds at a time: until more
  // than the kernel's socket buffers hold (~4 MB on loopback) plus the queue bound was
  // published, so that the server must cut them, then read for a moment and pause again.
  scheduleChurn() {
    if (this.kind === 'slow') {
      const cycle = () => {
        if (!this.sock || phase !== 'run') return;
        this.sock.pause();
        const from = stats.publishedBytes;
        const since = Date.now();
        const wait = () => {
          if (!this.sock) return;
          const waited = Date.now() - since;
          if (waited < 3000 || (stats.publishedBytes - from < SLOW_PAUSE_BYTES && waited < 40000)) return this.later(250, wait);
          this.sock.resume();
          this.later(randInt(500, 2000), cycle);
        };
        wait();
      };
      this.later(randInt(500, 3000), cycle);
      return;
    }
    this.later(randInt(2000, 15000), () => this.drop());
  }

  drop() {
    if (!this.sock) return;
    this.selfClose = true;
    stats.selfCloses += 1;
    this.sock.destroy();
  }

  onClose() {
    const wasOpen = this.open;
    this.sock = null;
    this.open = false;
    this.clearTimers();
    if (phase === 'leave') return;
    if (!this.selfClose) {
      stats.serverCloses += 1;
      if (this.kind === 'slow') stats.slowServerCloses += 1;
      if (phase === 'drain' && wasOpen) note(`subscriber ${this.index} (${this.kind}) closed by the server while catching up`);
    }
    if (this.away) return; // a sleeper comes back by itself
    // Mostly quick, sometimes a few seconds: replays of different sizes.
    const delay = phase === 'run' ? (random() < 0.1 ? randInt(2000, 6000) : randInt(50, 1000)) : 100;
    this.later(delay, () => this.connect());
  }

  onData(d) {
    if (!this.open) {
      this.head += d;
      const end = this.head.indexOf('\r\n\r\n');
      if (end === -1) return;
      const status = this.head.slice(9, 12);
      if (status !== '200') {
        stats.badStatus += 1;
        note(`subscriber ${this.index}: status ${status}`);
        this.drop();
        return;
      }
      this.open = true;
      d = this.head.slice(end + 4);
      this.head = '';
    }
    this.parser.feed(d);
  }

  onEvent(e) {
    this.lastEventId = e.lastEventId;
    const id = Number(e.lastEventId);
    if (e.type === 'ssehub.history-lost') return this.onReset(e, id);
    if (e.type !== 'soak') {
      stats.unexpected += 1;
      note(`subscriber ${this.index}: unexpected event ${e.type}`);
      return;
    }
    stats.delivered += 1;
    if (!(id > this.lastId)) {
      stats.outOfOrderIds += 1;
      note(`subscriber ${this.index}: id ${id} after ${this.lastId}`);
    }
    this.lastId = id;
    const { p, t, s } = JSON.parse(e.data);
    if (!this.topics.includes(t)) {
      stats.wrongTopic += 1;
      note(`subscriber ${this.index} (topics ${this.topics}) got topic ${t}`);
    }
    const key = p * TOPICS + t;
    const want = this.expect.get(key);
    if (want === undefined || s === want) {
      this.expect.set(key, s + 1);
    } else if (s > want) {
      stats.losses += s - want;
      note(`subscriber ${this.index}: publisher ${p} topic ${t} jumped from ${want} to ${s} (id ${id})`);
      this.expect.set(key, s + 1);
    } else {
      stats.duplicates += 1;
      note(`subscriber ${this.index}: publisher ${p} topic ${t} sequence ${s} again (expected ${want})`);
    }
  }

  // Acceptable only when the gap really exceeded the ring; then the live stream starts afresh.
  onReset(e, id) {
    stats.resets += 1;
    const info = JSON.parse(e.data);
    const gap = Number(info.latestId) - Number(this.sentLastId);
    if (info.lastEventId !== this.sentLastId || !(gap > RING)) {
      stats.unjustifiedResets += 1;
      note(`subscriber ${this.index}: history-lost for ${this.sentLastId} with a gap of ${gap} (ring ${RING}): ${e.data}`);
    }
    log(`subscriber ${this.index} (${this.kind}) reset after a gap of ${gap} events`);
    this.expect.clear();
    this.lastId = id;
  }

  caughtUp() {
    if (!this.open) return false;
    return this.topics.every((t) => this.lastId >= lastPubId[t]);
  }

  // At the end: each sequence that is tracked stopped at the last one published.
  tailLosses() {
    let lost = 0;
    for (const [key, next] of this.expect) {
      const final = seq[Math.floor(key / TOPICS)][key % TOPICS];
      if (next !== final) {
        lost += Math.abs(final - next);
        note(`subscriber ${this.index}: publisher ${Math.floor(key / TOPICS)} topic ${key % TOPICS} ended at ${next}, published ${final}`);
      }
    }
    return lost;
  }
}

function makeSubscribers(n) {
  const subs = [];
  for (let i = 0; i < n; i += 1) {
    const r = i % 10;
    const width = r <= 5 ? 1 : r <= 7 ? 2 : r === 8 ? 3 : TOPICS;
    const topics = Array.from({ length: width }, (_, k) => (i + k) % TOPICS).sort();
    const kind = r === 9 && i < 50 ? 'slow' : (i === 1 || i === 2) ? 'sleeper' : 'normal';
    subs.push(new Subscriber(i, topics, kind));
  }
  return subs;
}

// A sleeper leaves mid-run and stays away until more than the ring was published (or the end).
async function sleeperAway(sub, startAfterMs) {
  await sleep(startAfterMs);
  if (phase !== 'run') return;
  sub.away = true;
  sub.clearTimers();
  sub.drop();
  const from = stats.published;
  await waitUntil(() => phase !== 'run' || stats.published - from > RING + 2000, 24 * 3600 * 1000, 250);
  sub.away = false;
  log(`sleeper ${sub.index} back after ${stats.published - from} events`);
  sub.connect();
}

// ---- Publishers ---------------------------------------------------------------------------------

// Three rates: a trickle of small batches, medium batches, and batches of larger events (which
// carry most of the bytes, so that paused readers fall megabytes behind in seconds). A batch
// stays under ~250 KB: more than the write in flight plus the queue bound at once would cut
// every subscriber of its topics, fast or not.
const PUBLISHER_SHAPES = [
  { batch: [1, 5], gapMs: [10, 30], pad: [0, 300] },
  { batch: [10, 50], gapMs: [100, 300], pad: [0, 300] },
  { batch: [20, 80], gapMs: [300, 900], pad: [1000, 3000] },
];

async function publisher(p) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const shape = PUBLISHER_SHAPES[p];
  try {
    while (phase === 'run') {
      const n = randInt(...shape.batch);
      const drafts = [];
      for (let i = 0; i < n; i += 1) {
        const t = randInt(0, TOPICS - 1);
        const s = seq[p][t]++;
        drafts.push({ topic: `t${t}`, event: 'soak', data: { p, t, s, x: 'x'.repeat(randInt(...shape.pad)) } });
      }
      stats.publishRequests += 1;
      const body = JSON.stringify(drafts);
      let r;
      try {
        r = await request('POST', '/publish', body, agent);
      } catch (e) {
        // Unknown whether it was published: the sequence checks can no longer be trusted.
        stats.publishFailures += 1;
        note(`publisher ${p}: ${e.message}`);
        return;
      }
      if (r.status !== 202) {
        stats.publishFailures += 1;
        note(`publisher ${p}: status ${r.status} ${r.body.slice(0, 200)}`);
        for (const d of drafts) seq[p][d.data.t] -= 1; // refused whole: nothing was published
        return;
      }
      const ids = JSON.parse(r.body).ids.map(Number);
      if (ids.length !== n) { stats.publishFailures += 1; note(`publisher ${p}: ${ids.length} ids for ${n} events`); }
      ids.forEach((id, i) => { const t = drafts[i].data.t; if (id > lastPubId[t]) lastPubId[t] = id; });
      stats.published += n;
      stats.publishedBytes += body.length;
      await sleep(randInt(...shape.gapMs));
    }
  } finally {
    agent.destroy();
  }
}

// ---- The run ----------------------------------------------------------------------------------------

const results = [];
function check(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`${ok ? 'ok' : 'not ok'} ${name}${detail ? ` (${detail})` : ''}`);
}

async function main() {
  const t0 = Date.now();
  console.log(`# soak: ${opt.subscribers} subscribers, ${PUBLISHER_SHAPES.length} publishers, ${opt.seconds} s, seed ${opt.seed}`);
  const server = startSsehub(opt.binary, [
    '--port', '0', '--bind', '127.0.0.1', '--publish-token', TOKEN, '--ticker-interval-ms', '0', '--stats-interval-ms', '0',
    '--log-level', 'warn', '--ring-events', String(RING), '--client-queue-bytes', String(QUEUE_BYTES),
    '--static-root', path.join(here, '../../static'), '--io-threads', '2']);
  const deadline = setTimeout(() => {
    console.log(`not ok the run passed its ${opt.seconds + 150} s deadline`);
    console.log(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
    server.kill('SIGKILL');
    process.exit(1);
  }, (opt.seconds + 150) * 1000);

  port = await waitForPort(server, 10000);
  const g = await request('POST', '/publish', JSON.stringify({ topic: 'genesis', data: 0 }));
  genesisId = Number(JSON.parse(g.body).ids[0]);
  await sleep(500); // that connection closes
  const base = { rss: rssBytes(server.pid), fds: openFds(server.pid) };
  const peak = { ...base };
  const sampler = setInterval(() => {
    if (!isRunning(server)) return;
    peak.rss = Math.max(peak.rss, rssBytes(server.pid));
    peak.fds = Math.max(peak.fds, openFds(server.pid));
  }, 500);
  check(`ssehub listening on 127.0.0.1:${port}`, true, `baseline RSS ${(base.rss / MB).toFixed(1)} MB, ${base.fds} fds`);

  for (let p = 0; p < PUBLISHER_SHAPES.length; p += 1) seq.push(new Array(TOPICS).fill(0));
  const subs = makeSubscribers(opt.subscribers);
  for (const s of subs) s.connect();
  const allOpen = await waitUntil(() => subs.every((s) => s.open), 20000);
  check(`${subs.length} subscribers connected`, allOpen, `${subs.filter((s) => s.open).length} open`);

  const publishers = PUBLISHER_SHAPES.map((_, p) => publisher(p));
  const sleepers = subs.filter((s) => s.kind === 'sleeper').map((s, k) => sleeperAway(s, opt.seconds * 1000 * (0.2 + 0.1 * k)));
  const progress = setInterval(() => console.log(`# ${Math.round((Date.now() - t0) / 1000)} s: published ${stats.published}, delivered ${stats.delivered}, reconnects ${stats.reconnects}, server closes ${stats.serverCloses}`), 15000);
  await sleep(opt.seconds * 1000);

  // Drain: publishers stop, nobody drops any more, slow readers read, sleepers come back.
  phase = 'drain';
  await Promise.all(publishers);
  clearInterval(progress);
  for (const s of subs) {
    s.clearTimers();
    if (s.sock) s.sock.resume();
    else if (!s.away) s.connect();
  }
  await Promise.all(sleepers);
  const caughtUp = await waitUntil(() => subs.every((s) => s.caughtUp()), 30000, 200);
  const behind = subs.filter((s) => !s.caughtUp());
  const tail = subs.reduce((n, s) => n + s.tailLosses(), 0);
  const slowCaughtUp = subs.filter((s) => s.kind === 'slow').every((s) => s.caughtUp());
  stats.losses += tail;
  const m = await metrics();

  // Leave, then the server must give back what the run took.
  phase = 'leave';
  for (const s of subs) { s.clearTimers(); if (s.sock) { s.selfClose = true; s.sock.destroy(); } }
  const emptied = await waitUntil(async () => { const x = await metrics(); return x.ssehub_subscribers === 0 && x.ssehub_open_connections <= 1; }, 15000, 250);
  await sleep(3000);
  let after = { rss: rssBytes(server.pid), fds: openFds(server.pid) };
  const settled = await waitUntil(() => {
    after = { rss: rssBytes(server.pid), fds: openFds(server.pid) };
    return after.rss < base.rss + 30 * MB && Math.abs(after.fds - base.fds) <= 2;
  }, 10000, 500);
  clearInterval(sampler);

  const f = (b) => `${(b / MB).toFixed(1)} MB`;
  console.log(`# events published ${stats.published} in ${stats.publishRequests} requests (${Math.round(stats.published / opt.seconds)}/s, ${f(stats.publishedBytes / opt.seconds)}/s)`);
  console.log(`# delivered (client side) ${stats.delivered}; server frames ${m.ssehub_frames_delivered_total}, bytes ${m.ssehub_bytes_written_total}`);
  console.log(`# connects ${stats.connects}, reconnects ${stats.reconnects} (${stats.selfCloses} by the clients, ${stats.serverCloses} by the server, ${stats.slowServerCloses} of those slow readers)`);
  console.log(`# replays ${m.ssehub_replays_total} (${m.ssehub_replayed_frames_total} frames), resets ${m.ssehub_resets_total} (client side ${stats.resets}, unjustified ${stats.unjustifiedResets})`);
  console.log(`# slow disconnects ${m.ssehub_slow_disconnects_total}, stalled ${m.ssehub_stalled_disconnects_total}, queue high water ${m.ssehub_queue_high_water_bytes} bytes`);
  console.log(`# losses ${stats.losses}, duplicates ${stats.duplicates}, ids out of order ${stats.outOfOrderIds}, wrong topic ${stats.wrongTopic}, unexpected ${stats.unexpected}, bad status ${stats.badStatus}, connect errors ${stats.connectErrors}`);
  // What the ring legitimately keeps after everyone left: its last RING events, about this much.
  const ringEstimate = Math.min(RING, stats.published) * (stats.publishedBytes / Math.max(1, stats.published) + 40);
  console.log(`# RSS ${f(base.rss)} before, ${f(peak.rss)} peak, ${f(after.rss)} after (the ring keeps ~${f(ringEstimate)}); fds ${base.fds} before, ${peak.fds} peak, ${after.fds} after`);
  for (const p of problems) console.log(`#   ${p}`);

  check('every publish was accepted', stats.publishFailures === 0 && stats.published > 0, `${stats.publishFailures} failures`);
  check('every subscriber caught up with the last event of its topics', caughtUp,
    behind.length ? `${behind.length} behind, e.g. #${behind[0].index} (${behind[0].kind}) at ${behind[0].lastId}` : '');
  check('no event lost', stats.losses === 0, `${stats.losses}`);
  check('no event twice or out of order', stats.duplicates === 0 && stats.outOfOrderIds === 0, `${stats.duplicates} duplicates, ${stats.outOfOrderIds} ids out of order`);
  check('history-lost only when the gap exceeded the ring', stats.unjustifiedResets === 0, `${stats.resets} resets`);
  check('only the topics asked for, only soak events, only 200 streams', stats.wrongTopic + stats.unexpected + stats.badStatus + stats.connectErrors === 0);
  check('slow readers were cut and caught up', m.ssehub_slow_disconnects_total > 0 && stats.slowServerCloses > 0 && slowCaughtUp,
    `${m.ssehub_slow_disconnects_total} slow disconnects, ${stats.slowServerCloses} seen by slow readers`);
  check('every stream and connection closed on the server', emptied);
  check('RSS back near the baseline (< +30 MB)', after.rss < base.rss + 30 * MB, `${f(after.rss)} vs ${f(base.rss)}`);
  check('open descriptors back to the baseline (+-2)', Math.abs(after.fds - base.fds) <= 2, `${after.fds} vs ${base.fds}`);
  if (!settled) log('RSS or descriptors did not settle within 10 s');

  server.kill('SIGTERM');
  const exit = await Promise.race([server.exited, sleep(10000).then(() => null)]);
  check('SIGTERM: exit 0', exit?.code === 0, exit ? `code ${exit.code} signal ${exit.signal}` : 'still running after 10 s');
  if (results.some((r) => !r.ok)) console.log(`# server output (tail):\n${server.output.slice(-4000)}`);
  clearTimeout(deadline);
  const failed = results.filter((r) => !r.ok).length;
  console.log(`${results.length - failed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.log(`not ok ${e.stack ?? e}`);
  console.log(`${results.filter((r) => r.ok).length} passed, ${results.filter((r) => !r.ok).length + 1} failed`);
  process.exit(1);
});
