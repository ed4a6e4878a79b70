// Cross-origin streams in a real browser (Debian's Chromium): a page on one origin, ssehub on
// another, the subscriber token in the ssehub_token cookie. Under cors_origins "*" the page
// must not read the cookie-authorized stream; with its origin listed by name it must.
// Cookies ignore ports, and 127.0.0.1:P2 -> 127.0.0.1:P1 is same-site, so the browser really
// does attach the (SameSite=Lax) cookie: only the CORS answer decides.
// Usage: node cors.test.mjs <path to ssehub>
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { launchBrowser, waitInPage } from './lib/browser.mjs';
import { publishOk, sleep } from './lib/http.mjs';
import { makeTempDir, startSsehub } from './lib/processes.mjs';
import { check, onCleanup, run } from './lib/runner.mjs';

const secret = 'e2e-subscriber-secret';
const s = {};

const b64url = (text) => Buffer.from(text).toString('base64url');
function subscriberToken(claims) {
  const input = `${b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${crypto.createHmac('sha256', secret).update(input).digest('base64url')}`;
}

// The foreign page: opens a credentialed EventSource to ?hub= and records what it sees.
const page = `<!doctype html><meta charset="utf-8"><title>other origin</title><script>
window.seen = { open: false, errors: 0, messages: [] };
const hub = new URLSearchParams(location.search).get('hub');
const es = new EventSource(hub + '/events?topic=private', { withCredentials: true });
es.onopen = () => { window.seen.open = true; };
es.onerror = () => { window.seen.errors += 1; window.seen.state = es.readyState; };
es.onmessage = (e) => { window.seen.messages.push(e.data); };
</script>`;

function startPageServer() {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
    res.end(page);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function openForeignPage(hub) {
  const p = await s.browser.newPage();
  onCleanup(() => p.close());
  await p.goto(`${s.pageBase}/?hub=${encodeURIComponent(hub.base)}`, { timeout: 10000 });
  return p;
}

check('setup: a page origin, two hubs, Chromium with the subscriber cookie', async () => {
  s.tmp = makeTempDir('cors');
  onCleanup(() => fs.rmSync(s.tmp, { recursive: true, force: true }));
  s.pageServer = await startPageServer();
  onCleanup(() => new Promise((r) => s.pageServer.close(r)));
  s.pageBase = `http://127.0.0.1:${s.pageServer.address().port}`;
  const settings = { subscriber_secret: secret, ticker_interval_ms: 0, stats_interval_ms: 0, retry_ms: 300 };
  s.anyHub = await startSsehub({ tmp: s.tmp, settings: { ...settings, cors_origins: '*' } });
  onCleanup(() => s.anyHub.stop());
  s.listedHub = await startSsehub({ tmp: s.tmp, settings: { ...settings, cors_origins: s.pageBase } });
  onCleanup(() => s.listedHub.stop());
  s.browser = await launchBrowser(s.tmp);
  onCleanup(() => s.browser.close());
  // The signed-in user's cookie, as the application's own origin would have set it.
  await s.browser.addCookies([{ name: 'ssehub_token', value: subscriberToken({ topics: ['private'] }),
    domain: '127.0.0.1', path: '/', sameSite: 'Lax' }]);
}, { required: true, timeoutMs: 30000 });

// Was a bug: "*" reflected the page's Origin with Access-Control-Allow-Credentials: true, so any
// site could read a signed-in user's streams.
check('under cors_origins "*" a foreign page cannot read the cookie-authorized stream', async () => {
  const p = await openForeignPage(s.anyHub);
  await waitInPage(p, 'the EventSource to open or fail', () => window.seen.open || window.seen.errors > 0);
  await publishOk(s.anyHub.base, s.anyHub.token, { topic: 'private', data: 'for the user only' });
  await sleep(1000); // room for a delivery that must not happen (and for a reconnect)
  const seen = await p.evaluate(() => window.seen);
  assert.deepEqual(seen.messages, [], 'the page read the private stream');
  assert.equal(seen.open, false, 'the stream opened for the foreign page');
  assert.equal(seen.state, 2, 'EventSource CLOSED: a CORS failure ends it for good');
});

check('with its origin listed by name the page reads the cookie-authorized stream', async () => {
  const p = await openForeignPage(s.listedHub);
  await waitInPage(p, 'the EventSource to open', () => window.seen.open);
  const [id] = await publishOk(s.listedHub.base, s.listedHub.token, { topic: 'private', data: 'for the user' });
  await waitInPage(p, 'the published event', () => window.seen.messages.length > 0);
  assert.deepEqual(await p.evaluate(() => window.seen.messages), ['for the user']);
  assert.ok(id);
});

await run({ deadlineMs: 60000 });
