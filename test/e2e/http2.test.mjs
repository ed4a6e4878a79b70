// config/nginx-h2.conf (TLS + HTTP/2) in front of a real ssehub, driven by headless Chromium: one
// page opens 10 EventSources; over HTTP/2 all 10 open (one connection, 10 streams) and each gets
// its topic's event, reconnects resume with Last-Event-ID, gzip does not hold events back. The
// control: the same page over HTTP/1.1 (config/nginx.conf) opens at most 6, the browser's
// per-origin connection limit.
// Usage: node http2.test.mjs <path to ssehub>
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser, waitInPage } from './lib/browser.mjs';
import { freePort, publishOk, sleep } from './lib/http.mjs';
import { shippedConfPath, shippedH2ConfPath, startNginx } from './lib/nginx.mjs';
import { e2eDir, makeTempDir, startSsehub } from './lib/processes.mjs';
import { check, onCleanup, removeWhenPassed, run } from './lib/runner.mjs';

const STREAMS = 10;
const s = {};
const settings = {
  static_root: path.join(e2eDir, 'fixtures/streams'),
  ticker_interval_ms: 0, stats_interval_ms: 0, heartbeat_ms: 1000, retry_ms: 300,
};

// A self-signed certificate for 127.0.0.1, made for this run.
function makeCertificate(dir) {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1',
    '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert],
  { stdio: 'pipe' });
  return { cert, key };
}

// nginx with config/nginx-h2.conf as shipped but for the certificate, the ports and `edits`.
async function nginxH2(name, edits = []) {
  const redirectPort = await freePort();
  const n = await startNginx({
    tmp: s.tmp, name, upstreamPort: s.server.port, file: shippedH2ConfPath,
    edits: [
      ['/etc/ssl/certs/events.example.com.pem', s.tls.cert],
      ['/etc/ssl/private/events.example.com.key', s.tls.key],
      ['listen 80;', `listen 127.0.0.1:${redirectPort};`],
      ...edits,
    ],
  });
  n.redirectBase = `http://127.0.0.1:${redirectPort}`;
  onCleanup(() => n.stop());
  return n;
}

// A page of STREAMS EventSources on topics `prefix`0..; records each response's protocol and
// headers as Chromium's network stack saw them (DevTools protocol), by URL.
async function streamsPage(base, prefix) {
  const page = await s.browser.newPage();
  onCleanup(() => page.close().catch(() => {}));
  const cdp = await s.browser.newCDPSession(page);
  const responses = [];
  cdp.on('Network.responseReceived', (e) => responses.push({
    url: e.response.url, protocol: e.response.protocol, status: e.response.status,
    headers: Object.fromEntries(Object.entries(e.response.headers).map(([k, v]) => [k.toLowerCase(), v])),
  }));
  await cdp.send('Network.enable');
  await page.goto(`${base}/?n=${STREAMS}&prefix=${prefix}`, { timeout: 10000 });
  const streams = () => page.evaluate(() => window.streams);
  const openCount = () => page.evaluate(() => window.streams.filter((r) => r.opens > 0).length);
  return { page, responses, streams, openCount };
}

const topics = (prefix) => Array.from({ length: STREAMS }, (_, i) => `${prefix}${i}`);

check('setup: a self-signed certificate, ssehub, nginx with config/nginx-h2.conf, Chromium', async () => {
  s.tmp = makeTempDir('http2');
  removeWhenPassed(s.tmp);
  s.tls = makeCertificate(s.tmp);
  s.server = await startSsehub({ tmp: s.tmp, settings });
  onCleanup(() => s.server.stop());
  s.h2 = await nginxH2('h2');
  s.browser = await launchBrowser(s.tmp, { args: ['--ignore-certificate-errors'] });
  onCleanup(() => s.browser.close());
}, { required: true, timeoutMs: 30000 });

check('nginx-h2.conf proxies exactly as nginx.conf does (same upstream, headers and locations)', () => {
  const part = (file) => {
    const text = fs.readFileSync(file, 'utf8');
    const upstream = text.match(/ {4}upstream ssehub \{[^}]*\}/)?.[0];
    const proxy = text.match(/ {8}# Set here, at server level[\s\S]*? {8}location \/ \{[^}]*\}/)?.[0];
    assert.ok(upstream && proxy, `${file}: upstream block or proxy settings not found`);
    return { upstream, proxy };
  };
  assert.deepEqual(part(shippedH2ConfPath), part(shippedConfPath));
});

check('plain HTTP on the TLS configuration only redirects to https', async () => {
  const res = await fetch(`${s.h2.redirectBase}/?x=1`, { redirect: 'manual' });
  assert.equal(res.status, 301);
  assert.match(res.headers.get('location'), /^https:\/\/127\.0\.0\.1\/\?x=1$/);
});

check(`over HTTP/2 all ${STREAMS} EventSources of one page open, each on an h2 stream`, async () => {
  s.p = await streamsPage(s.h2.base, 'h2-');
  await waitInPage(s.p.page, `${STREAMS} open streams`, (n) => window.streams?.filter((r) => r.opens > 0).length === n, STREAMS);
  const page = s.p.responses.find((r) => new URL(r.url).pathname === '/');
  assert.equal(page?.protocol, 'h2', 'the page itself came over HTTP/2');
  const events = s.p.responses.filter((r) => new URL(r.url).pathname === '/events');
  assert.equal(events.length, STREAMS, 'one /events response per EventSource');
  for (const r of events) {
    assert.equal(r.protocol, 'h2', `${r.url} over HTTP/2`);
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^text\/event-stream/);
  }
}, { timeoutMs: 20000 });

check(`each of the ${STREAMS} streams receives the event published to its topic, and only that`, async () => {
  s.first = {};
  for (const topic of topics('h2-')) [s.first[topic]] = await publishOk(s.server.base, s.server.token, { topic, data: `for ${topic}` });
  await waitInPage(s.p.page, 'an event on every stream', () => window.streams.every((r) => r.events.length >= 1));
  await sleep(200);
  for (const r of await s.p.streams()) {
    assert.deepEqual(r.events.map((e) => [e.id, e.data]), [[s.first[r.topic], `for ${r.topic}`]], r.topic);
  }
});

check('after nginx restarts, every stream reconnects with Last-Event-ID and gets what it missed', async () => {
  await s.h2.stop();
  const missed = {};
  for (const topic of topics('h2-')) [missed[topic]] = await publishOk(s.server.base, s.server.token, { topic, data: `missed ${topic}` });
  await sleep(300);
  await s.h2.restart();
  // ssehub replays only to a subscriber that names the last id it saw: the missed event arriving
  // is the proof that the reconnect carried Last-Event-ID through nginx.
  await waitInPage(s.p.page, 'the missed event on every stream', () => window.streams.every((r) => r.events.length >= 2), undefined, 10000);
  await sleep(200);
  for (const r of await s.p.streams()) {
    assert.ok(r.opens >= 2, `${r.topic} reopened (${r.opens} opens)`);
    assert.deepEqual(r.events.map((e) => e.id), [s.first[r.topic], missed[r.topic]], `${r.topic}: each event once, in order`);
  }
  const reconnects = s.p.responses.filter((r) => new URL(r.url).pathname === '/events').slice(STREAMS);
  assert.ok(reconnects.length >= STREAMS && reconnects.every((r) => r.protocol === 'h2'), 'the reconnects are over HTTP/2 too');
  await s.p.page.close();
}, { timeoutMs: 25000 });

check('gzip on over HTTP/2: the streams are compressed and events arrive at once', async () => {
  const n = await nginxH2('h2-gzip', [['gzip off;', 'gzip on; gzip_types text/event-stream;']]);
  const p = await streamsPage(n.base, 'gz-');
  await waitInPage(p.page, `${STREAMS} open streams`, (k) => window.streams?.filter((r) => r.opens > 0).length === k, STREAMS);
  const events = p.responses.filter((r) => new URL(r.url).pathname === '/events');
  assert.ok(events.every((r) => r.protocol === 'h2' && r.headers['content-encoding'] === 'gzip'),
    `h2 and gzip: ${JSON.stringify(events.map((r) => [r.protocol, r.headers['content-encoding']]))}`);
  const delays = [];
  for (let i = 0; i < 20; i += 1) {
    const t0 = Date.now();
    const [id] = await publishOk(s.server.base, s.server.token, { topic: 'gz-3', data: `ping ${i}` });
    const at = await waitInPage(p.page, `event ${id}`, (want) => window.streams[3].events.find((e) => e.id === want)?.at, id, 3000);
    delays.push(at - t0);
  }
  delays.sort((a, b) => a - b);
  console.log(`# publish-to-page through nginx h2 + gzip, 20 events: median ${delays[10]} ms, max ${delays.at(-1)} ms`);
  assert.ok(delays.at(-1) < 500, `slowest event ${delays.at(-1)} ms`);
  await p.page.close();
}, { timeoutMs: 25000 });

check(`control: the same page over HTTP/1.1 (config/nginx.conf) opens at most 6 of the ${STREAMS}`, async () => {
  const n = await startNginx({ tmp: s.tmp, name: 'http1', upstreamPort: s.server.port });
  onCleanup(() => n.stop());
  const p = await streamsPage(n.base, 'h1-');
  await waitInPage(p.page, 'a first open stream', () => window.streams?.some((r) => r.opens > 0));
  await sleep(2000); // long enough for every stream that could open to have opened
  const open = await p.openCount();
  console.log(`# over HTTP/1.1: ${open} of ${STREAMS} streams open after 2 s`);
  assert.ok(open <= 6, `${open} streams open over HTTP/1.1`);
  const events = p.responses.filter((r) => new URL(r.url).pathname === '/events');
  assert.ok(events.every((r) => r.protocol === 'http/1.1'), 'the control really is HTTP/1.1');
  await p.page.close();
}, { timeoutMs: 20000 });

await run({ deadlineMs: 100000 });
