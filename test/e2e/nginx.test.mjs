// config/nginx.conf in front of a real ssehub: events pass without added delay (measured with
// and without nginx), replay with Last-Event-ID works through it, heartbeats keep idle streams
// past a short proxy_read_timeout, and gzip does not hold events back.
// Usage: node nginx.test.mjs <path to ssehub>
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { EventSource } from 'eventsource';
import { publishOk, SseCapture, sleep, waitUntil } from './lib/http.mjs';
import { startNginx } from './lib/nginx.mjs';
import { makeTempDir, startSsehub } from './lib/processes.mjs';
import { check, onCleanup, removeWhenPassed, run } from './lib/runner.mjs';

const s = {};
const quiet = { ticker_interval_ms: 0, stats_interval_ms: 0, retry_ms: 300 };

async function nginx(name, edits = []) {
  const n = await startNginx({ tmp: s.tmp, name, upstreamPort: s.server.port, edits });
  onCleanup(() => n.stop());
  return n;
}

// A stream that is subscribed: the opening comment has arrived.
async function stream(base, query, options) {
  const cap = new SseCapture(`${base}/events?${query}`, options);
  onCleanup(() => cap.close());
  const res = await cap.opened;
  await waitUntil(() => cap.comments.length > 0, { timeoutMs: 3000, what: `the opening comment of ${cap.url}` });
  return { cap, res };
}

check('setup: ssehub (heartbeat 300 ms) and nginx with config/nginx.conf as shipped', async () => {
  s.tmp = makeTempDir('nginx');
  removeWhenPassed(s.tmp);
  s.server = await startSsehub({ tmp: s.tmp, settings: { ...quiet, heartbeat_ms: 300 } });
  onCleanup(() => s.server.stop());
  s.nginx = await nginx('shipped');
}, { required: true });

check('the page, /publish and /events work through nginx', async () => {
  const page = await fetch(`${s.nginx.base}/`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /EventSource/);
  assert.match(page.headers.get('content-security-policy'), /default-src 'self'/);
  const { cap, res } = await stream(s.nginx.base, 'topic=via');
  assert.match(res.headers['content-type'], /^text\/event-stream/);
  assert.equal(res.headers['content-length'], undefined);
  const [id] = await publishOk(s.nginx.base, s.server.token, { topic: 'via', data: 'through nginx' });
  const e = await cap.waitForEvent((x) => x.id === id, 3000, 'the event');
  assert.equal(e.data, 'through nginx');
});

const ms = (v) => `${v.toFixed(2)} ms`;
function summary(values) {
  const v = [...values].sort((a, b) => a - b);
  const at = (q) => v[Math.min(v.length - 1, Math.floor(q * v.length))];
  return { median: at(0.5), p90: at(0.9), max: v.at(-1) };
}

// Publishes `rounds` events one at a time (directly to ssehub) and times each until it has
// arrived on every stream in `streams` ({name: capture}); returns {name: [delay ms, ...]}.
async function measure(topic, streams, rounds) {
  const delays = Object.fromEntries(Object.keys(streams).map((k) => [k, []]));
  for (let i = 0; i < rounds; i += 1) {
    const t0 = performance.now();
    const [id] = await publishOk(s.server.base, s.server.token, { topic, data: `ping ${i}` });
    for (const [name, cap] of Object.entries(streams)) {
      const e = await cap.waitForEvent((x) => x.id === id, 2000, `event ${i} (${name})`);
      delays[name].push(e.at - t0);
    }
    await sleep(10);
  }
  return delays;
}

check('no added buffering: publish-to-receive delay with and without nginx', async () => {
  const { cap: direct } = await stream(s.server.base, 'topic=latency');
  const { cap: proxied } = await stream(s.nginx.base, 'topic=latency');
  const d = await measure('latency', { direct, nginx: proxied }, 40);
  const a = summary(d.direct);
  const b = summary(d.nginx);
  const extra = summary(d.nginx.map((v, i) => v - d.direct[i]));
  console.log(`# publish-to-receive over 40 events: direct median ${ms(a.median)} p90 ${ms(a.p90)} max ${ms(a.max)}`);
  console.log(`#                                through nginx median ${ms(b.median)} p90 ${ms(b.p90)} max ${ms(b.max)}`);
  console.log(`#                                added by nginx median ${ms(extra.median)} p90 ${ms(extra.p90)} max ${ms(extra.max)}`);
  assert.ok(extra.median < 20, `nginx adds ${ms(extra.median)} at the median`);
  assert.ok(extra.max < 500, `nginx adds up to ${ms(extra.max)}`);
}, { timeoutMs: 30000 });

check('proxy_buffering off is enough without ssehub\'s X-Accel-Buffering header', async () => {
  const n = await nginx('ignore-x-accel', [['proxy_buffering off;', 'proxy_buffering off; proxy_ignore_headers X-Accel-Buffering;']]);
  const { cap } = await stream(n.base, 'topic=noaccel');
  const b = summary((await measure('noaccel', { nginx: cap }, 10)).nginx);
  assert.ok(b.max < 500, `slowest event ${ms(b.max)}`);
});

check('control: with proxy_buffering on (and the header ignored) nginx holds events back', async () => {
  const n = await nginx('buffering-on', [['proxy_buffering off;', 'proxy_buffering on; proxy_ignore_headers X-Accel-Buffering;']]);
  const cap = new SseCapture(`${n.base}/events?topic=buffered`);
  onCleanup(() => cap.close());
  await sleep(500);
  const [id] = await publishOk(s.server.base, s.server.token, { topic: 'buffered', data: 'held?' });
  await sleep(1000);
  assert.equal(cap.events.some((x) => x.id === id), false,
    'a buffering nginx let the event through, so the timing checks could not tell buffering apart');
});

check('replay through nginx with Last-Event-ID (header and query parameter)', async () => {
  const ids = await publishOk(s.server.base, s.server.token, [1, 2, 3, 4, 5].map((n) => ({ topic: 'replay', data: `r${n}` })));
  const { cap } = await stream(s.nginx.base, 'topic=replay', { headers: { 'Last-Event-ID': ids[1] } });
  await cap.waitForEvent((x) => x.id === ids[4], 3000, 'the replay');
  await sleep(100);
  assert.deepEqual(cap.events.map((x) => x.id), ids.slice(2), 'the three events after the given id, once each');
  const { cap: q } = await stream(s.nginx.base, `topic=replay&lastEventId=${ids[3]}`);
  await q.waitForEvent((x) => x.id === ids[4], 3000, 'the replay by query');
  assert.deepEqual(q.events.map((x) => x.data), ['r5']);
});

check('npm eventsource through nginx resumes after nginx restarts', async () => {
  const n = await nginx('restart');
  const got = [];
  const es = new EventSource(`${n.base}/events?topic=restart`);
  onCleanup(() => es.close());
  es.onmessage = (e) => got.push(e.lastEventId);
  await new Promise((resolve, reject) => { es.onopen = resolve; setTimeout(() => reject(new Error('not open')), 3000); });
  const ids = await publishOk(s.server.base, s.server.token, { topic: 'restart', data: 'before' });
  await waitUntil(() => got.length === 1, { timeoutMs: 3000, what: 'the first event' });
  await n.stop();
  ids.push(...await publishOk(s.server.base, s.server.token, [1, 2, 3].map((k) => ({ topic: 'restart', data: `missed ${k}` }))));
  await sleep(500);
  await n.restart();
  await waitUntil(() => got.length >= 4, { timeoutMs: 8000, what: 'the missed events after the restart' });
  ids.push(...await publishOk(s.server.base, s.server.token, { topic: 'restart', data: 'after' }));
  await waitUntil(() => got.length >= 5, { timeoutMs: 3000, what: 'the event after the restart' });
  await sleep(100);
  assert.deepEqual(got, ids, 'every event once, in order');
}, { timeoutMs: 25000 });

check('heartbeats keep an idle stream open past a 1 s proxy_read_timeout', async () => {
  const n = await nginx('short-timeout', [['proxy_read_timeout 1h;', 'proxy_read_timeout 1s;']]);
  const { cap } = await stream(n.base, 'topic=idle');
  await sleep(3200);
  assert.equal(cap.ended, false, 'the stream is still open after 3.2 s');
  assert.ok(cap.comments.length >= 6, `${cap.comments.length} comments (the opening one and heartbeats)`);
  const [id] = await publishOk(s.server.base, s.server.token, { topic: 'idle', data: 'still here' });
  await cap.waitForEvent((x) => x.id === id, 1000, 'an event after 3 s idle');
});

check('control: without heartbeats the 1 s proxy_read_timeout does cut the stream', async () => {
  const slow = await startSsehub({ tmp: s.tmp, settings: { ...quiet, heartbeat_ms: 10000 } });
  onCleanup(() => slow.stop());
  const n = await startNginx({ tmp: s.tmp, name: 'no-heartbeat', upstreamPort: slow.port, edits: [['proxy_read_timeout 1h;', 'proxy_read_timeout 1s;']] });
  onCleanup(() => n.stop());
  const { cap } = await stream(n.base, 'topic=idle');
  await waitUntil(() => cap.ended, { timeoutMs: 4000, what: 'nginx to cut the idle stream' });
});

check('gzip on with text/event-stream: events still arrive promptly', async () => {
  const n = await nginx('gzip', [['gzip off;', 'gzip on; gzip_types text/event-stream;']]);
  const { cap, res } = await stream(n.base, 'topic=gz', { headers: { 'Accept-Encoding': 'gzip' }, gunzip: true });
  assert.equal(res.headers['content-encoding'], 'gzip', 'nginx compresses the stream');
  const b = summary((await measure('gz', { gzip: cap }, 20)).gzip);
  console.log(`# publish-to-receive through nginx with gzip, 20 events: median ${ms(b.median)} p90 ${ms(b.p90)} max ${ms(b.max)}`);
  assert.ok(b.max < 500, `slowest event ${ms(b.max)}`);
});

await run({ deadlineMs: 90000 });
