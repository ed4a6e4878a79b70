// wrk, as users load-test: bench/wrk/publish.lua drives POST /publish for 2 s while 50
// subscribers are attached; every event wrk saw acknowledged (2xx, by id) reached every
// subscriber, once, in order, and no answer was an error. Then wrk on / and /healthz: no errors.
// Usage: node wrk.test.mjs <path to ssehub>
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { waitUntil } from './lib/http.mjs';
import { makeTempDir, repoRoot, startSsehub } from './lib/processes.mjs';
import { check, onCleanup, removeWhenPassed, run } from './lib/runner.mjs';

const SUBSCRIBERS = 50;
const wrkBinary = process.env.WRK || '/usr/bin/wrk';
const publishLua = path.join(repoRoot, 'bench/wrk/publish.lua');
const s = {};

// A subscriber that keeps only the ids it receives (a lean parser: 50 streams of tens of
// thousands of events each must not fall behind and be cut as slow).
class IdStream {
  constructor(url) {
    this.ids = [];
    this.rest = '';
    this.bytes = 0;
    this.ended = false;
    this.opened = new Promise((resolve, reject) => {
      this.req = http.get(url, (res) => {
        res.setEncoding('utf8');
        res.on('data', (text) => this.feed(text));
        res.on('end', () => { this.ended = true; });
        resolve(res);
      });
      this.req.on('error', (e) => { this.ended = true; reject(e); });
    });
  }

  // Only the ids of events: a block's id counts when the block has data. Was a flake: the stream's
  // opening id-only block (its position, which dispatches nothing) counted as an event, so with 4
  // requests in flight when wrk stopped a subscriber held 5 ids beyond the acknowledged.
  feed(text) {
    this.bytes += text.length;
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop();
    for (const line of lines) {
      if (line === '') {
        if (this.blockId !== undefined && this.blockHasData) this.ids.push(this.blockId);
        this.blockId = undefined;
        this.blockHasData = false;
      } else if (line.startsWith('id:')) {
        this.blockId = line.slice(line[3] === ' ' ? 4 : 3);
      } else if (line.startsWith('data')) {
        this.blockHasData = true;
      }
    }
  }

  close() { this.req.destroy(); }
}

// Runs wrk to completion (bounded) and returns {code, out}.
function wrk(args, env = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(wrkBinary, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, out }); });
  });
}

// wrk's own error lines: "Non-2xx or 3xx responses: N" and "Socket errors: connect ...".
function assertNoWrkErrors(out) {
  assert.doesNotMatch(out, /Non-2xx or 3xx responses/, out);
  assert.doesNotMatch(out, /Socket errors/, out);
  const rate = Number(out.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  assert.ok(rate > 0, `no requests/s in wrk's output:\n${out}`);
  return rate;
}

check('setup: wrk, ssehub and 50 subscribers on topic wrk', async () => {
  assert.ok(fs.existsSync(wrkBinary), `no wrk at ${wrkBinary} (scripts/install-deps.sh --test)`);
  s.tmp = makeTempDir('wrk');
  removeWhenPassed(s.tmp);
  s.server = await startSsehub({
    tmp: s.tmp,
    settings: {
      ticker_interval_ms: 0, stats_interval_ms: 0,
      // Node reads 50 streams on one thread: let it lag without being cut as a slow client.
      client_queue_frames: 10_000_000, client_queue_bytes: 1 << 30, ring_events: 1_000_000,
    },
  });
  onCleanup(() => s.server.stop());
  s.subs = Array.from({ length: SUBSCRIBERS }, () => new IdStream(`${s.server.base}/events?topic=wrk`));
  onCleanup(() => s.subs.forEach((x) => x.close()));
  await Promise.all(s.subs.map((x) => x.opened));
  // Subscribed once the opening comment has arrived on each.
  await waitUntil(() => s.subs.every((x) => x.bytes > 0), { what: 'the opening comments' });
}, { required: true, timeoutMs: 20000 });

check('wrk -d2s with publish.lua: every acknowledged publish reached every subscriber, no errors', async () => {
  const idsFile = path.join(s.tmp, 'acked.txt');
  const { code, out } = await wrk(['-t2', '-c4', '-d2s', '-s', publishLua, `${s.server.base}/publish`],
    { SSEHUB_PUBLISH_TOKEN: s.server.token, WRK_IDS_FILE: idsFile });
  console.log(out.split('\n').filter((l) => /Requests\/sec|requests in|publish /.test(l)).map((l) => `# ${l.trim()}`).join('\n'));
  assert.equal(code, 0, out);
  const statuses = out.match(/^publish statuses: (.*) total=(\d+)$/m);
  assert.ok(statuses, `no status line from publish.lua:\n${out}`);
  const total = Number(statuses[2]);
  assert.ok(total > 100, `only ${total} publishes in 2 s`);
  assert.equal(statuses[1], `202=${total}`, 'every answer was 202');
  assert.match(out, /^publish errors: connect=0 read=0 write=0 timeout=0$/m);
  assertNoWrkErrors(out);
  const acked = fs.readFileSync(idsFile, 'utf8').split('\n').filter(Boolean);
  assert.equal(acked.length, total, 'one id per 202');
  // wrk may end with a request in flight: ssehub published it, wrk never saw the answer. So a
  // subscriber may hold a few more ids than wrk acknowledged, but never fewer.
  await waitUntil(() => s.subs.every((x) => x.ids.length >= total), { timeoutMs: 20000, what: `${total} events on all ${SUBSCRIBERS} subscribers` });
  const order = (a, b) => (BigInt(a) < BigInt(b) ? -1 : 1);
  acked.sort(order);
  for (const [i, sub] of s.subs.entries()) {
    assert.equal(sub.ended, false, `subscriber ${i} was cut`);
    const got = new Set(sub.ids);
    assert.equal(got.size, sub.ids.length, `subscriber ${i}: no event twice`);
    assert.deepEqual([...sub.ids].sort(order), sub.ids, `subscriber ${i}: in order`);
    const lost = acked.filter((id) => !got.has(id));
    assert.deepEqual(lost, [], `subscriber ${i} lacks acknowledged events`);
    assert.ok(sub.ids.length <= total + 4, `subscriber ${i}: ${sub.ids.length - total} events beyond the acknowledged (4 connections)`);
  }
  console.log(`# ${total} publishes acknowledged, each received by all ${SUBSCRIBERS} subscribers`);
}, { timeoutMs: 40000 });

for (const target of ['/', '/healthz']) {
  check(`wrk -d2s on ${target}: no errors`, async () => {
    const { code, out } = await wrk(['-t2', '-c8', '-d2s', `${s.server.base}${target}`]);
    assert.equal(code, 0, out);
    const rate = assertNoWrkErrors(out);
    console.log(`# GET ${target}: ${rate} requests/s`);
  });
}

await run({ deadlineMs: 100000 });
