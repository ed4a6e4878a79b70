// log_format json: every line a run prints (startup, requests, stream ends, shutdown) is one JSON
// object with the time, the level, the message kind and each field as a key, set by
// --log-format or SSEHUB_LOG_FORMAT. The text format stays as it was.
// Usage: node log_format.test.mjs <path to ssehub>
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { publishOk, SseCapture, waitUntil } from './lib/http.mjs';
import {
  cleanEnv, makeTempDir, repoRoot, spawnTracked, ssehubBinary, stopProcess, waitForOutput,
} from './lib/processes.mjs';
import { check, onCleanup, removeWhenPassed, run } from './lib/runner.mjs';

const s = {};
const quiet = ['--ticker-interval-ms', '0', '--stats-interval-ms', '0'];

async function start(args, env = cleanEnv()) {
  const child = spawnTracked(ssehubBinary(), ['--static-root', path.join(repoRoot, 'static'),
    '--bind', '127.0.0.1', '--port', '0', ...quiet, ...args], { env });
  onCleanup(() => stopProcess(child));
  const m = await waitForOutput(child, /listening on http:\/\/127\.0\.0\.1:(\d+)/, 10000, 'ssehub');
  return { child, port: Number(m[1]), base: `http://127.0.0.1:${m[1]}` };
}

// One raw request, so the path can hold characters a JSON string must escape.
function rawGet(port, target) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1', () => sock.write(`GET ${target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n`));
    let text = '';
    sock.on('data', (d) => { text += d; });
    sock.on('end', () => resolve(text));
    sock.on('error', reject);
  });
}

// Every line of the output, parsed; fails naming the first line that is not a JSON log object.
function parseLines(output) {
  const lines = output.split('\n').filter((l) => l !== '');
  assert.ok(lines.length > 0, 'no output');
  return lines.map((line) => {
    let o;
    try { o = JSON.parse(line); } catch (e) { assert.fail(`not JSON: ${line} (${e.message})`); }
    assert.equal(typeof o, 'object', line);
    assert.match(o.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, line);
    assert.ok(['trace', 'debug', 'info', 'warning', 'error', 'critical'].includes(o.level), line);
    assert.equal(typeof o.msg, 'string', line);
    return o;
  });
}

check('setup: ssehub --log-format json', async () => {
  s.tmp = makeTempDir('log-format');
  removeWhenPassed(s.tmp);
  s.token = crypto.randomBytes(12).toString('hex');
  s.json = await start(['--log-format', 'json', '--publish-token', s.token]);
}, { required: true });

check('a run logs startup, requests, a stream end and shutdown, each line a JSON object with its fields', async () => {
  const { child, base, port } = s.json;
  assert.equal((await fetch(`${base}/`)).status, 200);
  assert.equal((await fetch(`${base}/healthz`)).status, 200);
  assert.match(await rawGet(port, '/x"y\\z'), /^HTTP\/1\.1 404/);
  const cap = new SseCapture(`${base}/events?topic=logs`);
  await cap.opened;
  await waitUntil(() => cap.comments.length > 0, { what: 'the opening comment' });
  const [id] = await publishOk(base, s.token, { topic: 'logs', data: 'x' });
  await cap.waitForEvent((e) => e.id === id);
  cap.close();
  await waitForOutput(child, /stream end/, 5000, 'the stream end line');
  const { code } = await stopProcess(child);
  assert.equal(code, 0);
  const lines = parseLines(child.output);
  const byMsg = (m) => lines.filter((o) => o.msg === m);
  assert.ok(lines.some((o) => /^ssehub .* listening on http:\/\/127\.0\.0\.1:\d+/.test(o.msg) && o.level === 'info'), 'startup');
  const page = byMsg('request').find((o) => o.path === '/');
  assert.ok(page, 'the request line of GET /');
  assert.equal(page.method, 'GET');
  assert.equal(page.status, 200);
  assert.equal(typeof page.bytes, 'number');
  assert.equal(typeof page.duration_ms, 'number');
  assert.match(page.client, /^127\.0\.0\.1:\d+$/);
  assert.ok(byMsg('request').some((o) => o.path === '/publish' && o.method === 'POST' && o.status === 202), 'the publish');
  const odd = byMsg('request').find((o) => o.status === 404);
  assert.equal(odd?.path, '/x"y\\z', 'a quote and a backslash in a value survive');
  const [end] = byMsg('stream end');
  assert.ok(end, 'the stream end line');
  assert.equal(end.path, '/events');
  assert.equal(end.events, 1);
  assert.equal(typeof end.reason, 'string');
  assert.ok(end.reason.length > 0);
  assert.ok(lines.some((o) => /^signal 15 received$/.test(o.msg)), 'the signal');
  assert.ok(lines.some((o) => /^shutting down/.test(o.msg)), 'shutdown');
  assert.equal(lines.at(-1).msg, 'stopped');
}, { timeoutMs: 20000 });

check('SSEHUB_LOG_FORMAT=json: the generated-token line is JSON too', async () => {
  const r = await start([], cleanEnv({ SSEHUB_LOG_FORMAT: 'json' }));
  await stopProcess(r.child);
  const lines = parseLines(r.child.output);
  const token = lines.find((o) => o.msg === 'publish token generated');
  assert.match(token?.publish_token ?? '', /^[0-9a-f]{16,}$/, 'the token as a field');
  assert.equal(lines.at(-1).msg, 'stopped');
});

check('the text format (the default) is unchanged: time, level, message', async () => {
  const r = await start(['--publish-token', s.token]);
  await fetch(`${r.base}/healthz`);
  await waitForOutput(r.child, /request method=GET path=\/healthz/, 3000, 'the request line');
  await stopProcess(r.child);
  const lines = r.child.output.split('\n').filter(Boolean);
  for (const line of lines) assert.match(line, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (info|warning|error) \S/, line);
  assert.ok(lines.some((l) => / info request method=GET path=\/healthz status=200 bytes=\d+ duration_ms=[\d.]+ client=127\.0\.0\.1:\d+$/.test(l)));
});

check('a bad log_format is refused at startup, naming the key', async () => {
  const child = spawnTracked(ssehubBinary(), ['--static-root', path.join(repoRoot, 'static'), '--log-format', 'xml']);
  const { code } = await child.exited;
  assert.equal(code, 2);
  assert.match(child.output, /log_format: 'xml' is not one of text, json/);
});

await run({ deadlineMs: 60000 });
