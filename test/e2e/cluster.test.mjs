// Cluster mode (issue 15): one redis-server, three ssehub instances with backplane=redis and a
// real nginx round-robin upstream in front, all on 127.0.0.1. Publishers on different instances
// share one order and one id space; a client bounced between instances (resuming from the ring,
// from Redis, or told history-lost) gets every event once; an instance killed with SIGKILL or
// Redis going away and coming back loses nothing acknowledged; Redis losing its data (FLUSHALL,
// a counter set back by hand) starts a new epoch: higher ids, one history-lost per client.
// Usage: node cluster.test.mjs <path to ssehub>
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { metric, publishOk, SseCapture, sleep, waitUntil } from './lib/http.mjs';
import { startNginx } from './lib/nginx.mjs';
import { makeTempDir, startSsehub } from './lib/processes.mjs';
import { startRedis } from './lib/redis.mjs';
import { check, onCleanup, removeWhenPassed, run } from './lib/runner.mjs';
import { assertGapFree, assertHasAll, describe, follower, historyLost, maxId, publisherLoop, waitForAll } from './lib/cluster.mjs';

const KEY = 'e2e';
const RING = 50;     // small, so that a client away for a while resumes from Redis
const HISTORY = 300; // redis_history_events: small, so that an old Last-Event-ID is lost
const s = { nodes: [], everId: new Set(), open: [] };
const random = (xs) => xs[Math.floor(Math.random() * xs.length)];

const settings = (i) => ({
  backplane: 'redis', redis_url: s.redis.url, redis_key: KEY, redis_history_events: HISTORY,
  redis_timeout_ms: 500, instance_name: `node-${i}`, ring_events: RING, io_threads: 1,
  ticker_interval_ms: 0, stats_interval_ms: 0, heartbeat_ms: 300, retry_ms: 100,
});

// Starts instance i (again, on its old port when it had one).
async function startNode(i) {
  const old = s.nodes[i];
  s.nodes[i] = await startSsehub({ tmp: s.tmp, port: old?.port ?? 0, settings: settings(i), token: s.token });
}

// Set up on first use: when it fails (no redis backplane in this build) every case fails with
// its error instead of being skipped.
let ready;
function cluster() {
  ready ??= (async () => {
    s.tmp = makeTempDir('cluster');
    removeWhenPassed(s.tmp);
    // Nodes of 10 entries: MAXLEN ~ trims whole nodes, so the history is HISTORY..HISTORY+10.
    s.redis = await startRedis({ tmp: s.tmp, extraArgs: ['--stream-node-max-entries', '10'] });
    onCleanup(() => s.redis.stop());
    onCleanup(() => Promise.all(s.nodes.map((n) => n.stop())));
    s.token = 'cluster-token';
    await Promise.all([0, 1, 2].map(startNode));
    s.nginx = await startNginx({ tmp: s.tmp, name: 'nginx', upstreamPort: s.nodes.map((n) => n.port) });
    onCleanup(() => s.nginx.stop());
  })();
  return ready;
}

const bases = () => [s.nginx.base, ...s.nodes.map((n) => n.base)];
const readyz = async (base) => (await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(3000) })).status;
// An instance is ready once it has reached Redis and warmed its ring: shortly after it listens.
const waitReady = (n, timeoutMs = 10000) => waitUntil(async () => await readyz(n.base) === 200,
  { timeoutMs, intervalMs: 50, what: `${n.name}: /readyz 200` });
const replaysFromRedis = async () => (await Promise.all(s.nodes.map((n) => metric(n.base, 'ssehub_backplane_replays_total'))))
  .reduce((a, b) => (a === undefined || b === undefined ? undefined : a + b), 0);

// Every acknowledged id is new: ids are never reused, whatever happened to Redis.
function remember(acked) {
  for (const a of acked) {
    assert.ok(!s.everId.has(a.id), `id ${a.id} was given to two events`);
    s.everId.add(a.id);
  }
}

// Streams and followers of the current case: closed when the next case begins (or at the end).
function track(f) {
  s.open.push(f);
  onCleanup(() => f.close());
  return f;
}

async function begin() {
  await cluster();
  for (const f of s.open.splice(0)) f.close();
}

// A raw stream that is subscribed: its opening comment has arrived.
async function stream(base, query) {
  const cap = track(new SseCapture(`${base}/events?${query}`));
  await cap.opened;
  await waitUntil(() => cap.comments.length > 0, { timeoutMs: 3000, what: `the opening comment of ${cap.url}` });
  return cap;
}

check('setup: redis-server, three ssehub instances (backplane redis), nginx round-robin', async () => {
  await cluster();
  for (const n of s.nodes) await waitReady(n);
}, { timeoutMs: 30000 });

check('4 publishers on different instances: every subscriber on every instance gets the same events in the same order, ids gap-free, XLEN matches', async () => {
  await begin();
  const before = await s.redis.xlen(`${KEY}:stream`);
  const caps = [];
  for (const b of [...s.nodes.flatMap((n) => [n.base, n.base]), s.nginx.base]) caps.push(await stream(b, 'topic=order'));
  // The fourth publishes arrays of 5 through nginx: all-or-nothing, in order.
  const pubs = [0, 1, 2, 3].map((p) => publisherLoop({ pickBase: () => bases()[(p + 1) % 4], token: s.token,
    topic: 'order', tag: `p${p}`, gapMs: 0, count: 50, batch: p === 3 ? 5 : 1 }));
  await Promise.all(pubs.map((p) => p.done));
  for (const p of pubs) assert.deepEqual(p.failed, [], 'every publish acknowledged');
  for (const p of pubs) for (let i = 1; i < p.acked.length; i += 1) {
    assert.ok(BigInt(p.acked[i].id) > BigInt(p.acked[i - 1].id), 'one publisher\'s events in its order');
  }
  const all = pubs.flatMap((p) => p.acked).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  remember(all);
  assert.equal(all.length, 200);
  assertGapFree(all, 'the acknowledged ids');
  const last = all.at(-1).id;
  await waitUntil(() => caps.every((c) => c.events.some((e) => e.id === last)), { timeoutMs: 10000, what: 'every stream to reach the last event' });
  await sleep(200);
  const expected = all.map((a) => ({ id: a.id, data: a.data }));
  caps.forEach((c, i) => assert.deepEqual(c.events.map((e) => ({ id: e.id, data: e.data })), expected, `stream ${i} (${c.url})`));
  assert.equal(await s.redis.xlen(`${KEY}:stream`) - before, 200, 'XLEN grew by the events published');
  s.firstId = all[0].id;
}, { timeoutMs: 30000 });

check('Idempotency-Key: a repeat on another instance gets the first ids, nothing appended or delivered twice', async () => {
  await begin();
  const cap = await stream(s.nginx.base, 'topic=idem');
  const key = `e2e-${Date.now()}`;
  const post = async (base) => {
    const res = await fetch(`${base}/publish`, {
      method: 'POST', signal: AbortSignal.timeout(5000), body: JSON.stringify([{ topic: 'idem', data: 'a' }, { topic: 'idem', data: 'b' }]),
      headers: { Authorization: `Bearer ${s.token}`, 'Content-Type': 'application/json', 'Idempotency-Key': key },
    });
    assert.equal(res.status, 202, await res.clone().text());
    return (await res.json()).ids;
  };
  const before = await s.redis.xlen(`${KEY}:stream`);
  const first = await post(s.nodes[0].base);
  remember(first.map((id) => ({ id })));
  assert.deepEqual(await post(s.nodes[1].base), first, 'the same ids from another instance');
  assert.deepEqual(await post(s.nodes[2].base), first, 'and from a third');
  assert.equal(await s.redis.xlen(`${KEY}:stream`) - before, 2, 'appended once');
  const [last] = await publishOk(s.nodes[0].base, s.token, { topic: 'idem', data: 'c' });
  remember([{ id: last }]);
  await cap.waitForEvent((e) => e.id === last, 5000, 'the event after');
  assert.deepEqual(cap.events.map((e) => e.data), ['a', 'b', 'c'], 'each event delivered once');
});

check('a client bounced between instances gets every event once, in order, some resumes served from Redis', async () => {
  await begin();
  const replays0 = await replaysFromRedis();
  assert.notEqual(replays0, undefined, 'ssehub_backplane_replays_total is exported');
  // Every third connect waits 800 ms first: at ~120 events/s that is more than the ring holds.
  const f = track(follower({ topic: 'bounce', pick: () => random(bases()), lifeMs: () => 150 + Math.random() * 350,
    pauseMs: (n) => (n > 0 && n % 3 === 0 ? 800 : 0) }));
  await f.opened;
  const pubs = [0, 1].map((p) => publisherLoop({ pickBase: () => random(bases()), token: s.token, topic: 'bounce', tag: `b${p}`, gapMs: 12 }));
  await sleep(7000);
  await Promise.all(pubs.map((p) => p.stop()));
  const acked = pubs.flatMap((p) => p.acked);
  remember(acked);
  for (const p of pubs) assert.deepEqual(p.failed, [], 'every publish acknowledged');
  await waitForAll([f], maxId(acked), 10000, 'the bounced client');
  await sleep(200);
  assert.deepEqual(f.lost, [], 'no history-lost: every gap was within Redis\'s history');
  assert.deepEqual(f.refused, [], 'every connect answered 200');
  assertGapFree(f.events, 'the bounced client');
  assertHasAll(f.events, acked, 'the bounced client');
  assert.ok(f.connects.length >= 10, `${f.connects.length} connects`);
  assert.ok(new Set(f.connects.map((c) => c.base)).size >= 3, 'connects went to several instances');
  console.log(`# ${acked.length} events, ${f.connects.length} connects, Redis replays ${replays0} -> ${await replaysFromRedis()}`);
  assert.ok(await replaysFromRedis() > replays0, 'at least one resume was served from Redis rather than a ring');
}, { timeoutMs: 30000 });

check('resumes older than the ring while events flow are replayed from Redis, never history-lost', async () => {
  await begin();
  const pubs = [0, 1].map((p) => publisherLoop({ pickBase: () => random(bases()), token: s.token, topic: 'behind', tag: `h${p}`, gapMs: 5 }));
  await waitUntil(() => pubs.every((p) => p.acked.length >= 2 * RING), { timeoutMs: 10000, what: 'events beyond the ring' });
  const results = [];
  for (let i = 0; i < 8; i += 1) {
    // 2 x RING behind the newest acknowledged event: older than any ring, well inside Redis.
    const acked = pubs.flatMap((p) => p.acked).sort((x, y) => (BigInt(x.id) < BigInt(y.id) ? -1 : 1));
    const from = acked.at(-2 * RING);
    const cap = track(new SseCapture(`${random(s.nodes).base}/events?topic=behind`, { headers: { 'Last-Event-ID': from.id } }));
    await cap.waitForEvent(() => true, 3000, 'the first event of the resume');
    await sleep(150);
    cap.close();
    results.push({ from: from.id, lost: cap.events.filter((e) => e.event === historyLost).map((e) => e.data) });
    assertGapFree(cap.events.filter((e) => e.event === 'message'), `resume ${i}`);
  }
  await Promise.all(pubs.map((p) => p.stop()));
  remember(pubs.flatMap((p) => p.acked));
  const lost = results.filter((r) => r.lost.length);
  assert.deepEqual(lost, [], `${lost.length} of ${results.length} resumes that Redis could serve got history-lost`);
}, { timeoutMs: 30000 });

check('a resume older than Redis\'s history gets one ssehub.history-lost, on any instance', async () => {
  await begin();
  assert.ok(s.firstId, 'needs the ids of the order case');
  // Enough events after firstId that MAXLEN ~ HISTORY has trimmed it away.
  // (In batches no larger than the ring: a bigger one is refused.)
  for (let k = 0; k < 8; k += 1) {
    remember((await publishOk(s.nodes[k % 3].base, s.token,
      Array.from({ length: RING }, (_, i) => ({ topic: 'filler', data: `f${k}-${i}` })))).map((id) => ({ id })));
  }
  assert.ok(await s.redis.xlen(`${KEY}:stream`) <= HISTORY + 20, 'Redis trimmed its history');
  for (const base of [s.nodes[1].base, s.nginx.base]) {
    const cap = track(new SseCapture(`${base}/events?topic=order`, { headers: { 'Last-Event-ID': s.firstId } }));
    const lost = await cap.waitForEvent((e) => e.event === 'ssehub.history-lost', 3000, 'the history-lost event');
    await sleep(300);
    assert.equal(cap.events.filter((e) => e.event === 'ssehub.history-lost').length, 1, 'once');
    assert.equal(cap.events.filter((e) => e.event === 'message').length, 0, 'no partial replay');
    assert.equal(JSON.parse(lost.data).lastEventId, s.firstId);
    cap.close();
  }
}, { timeoutMs: 20000 });

check('SIGKILL one instance under load: its clients reconnect elsewhere and lose nothing acknowledged', async () => {
  await begin();
  const victim = s.nodes[1];
  // Three start on the victim (then reconnect through nginx), three through nginx.
  const fs = [0, 1, 2, 3, 4, 5].map((k) => track(follower({ topic: 'kill', pick: (n) => (k < 3 && n === 0 ? victim.base : s.nginx.base) })));
  await Promise.all(fs.map((f) => f.opened));
  const pubs = [s.nginx.base, victim.base, s.nodes[2].base].map((b, p) => publisherLoop({ pickBase: () => b, token: s.token, topic: 'kill', tag: `k${p}`, gapMs: 10 }));
  await sleep(1500);
  victim.child.kill('SIGKILL');
  await victim.child.exited;
  const killedAt = performance.now();
  await sleep(2500);
  await Promise.all(pubs.map((p) => p.stop()));
  const acked = pubs.flatMap((p) => p.acked);
  remember(acked);
  // Through nginx only a request in flight to the victim when it died may fail (a POST already
  // sent is not retried); later ones go to the others.
  assert.ok(pubs[1].failed.length > 0, 'publishes to the killed instance failed');
  assert.deepEqual(pubs[0].failed.filter((f) => f.sentAt > killedAt), [], 'nginx sent every later publish elsewhere');
  assert.deepEqual(pubs[2].failed, [], 'publishes to a surviving instance went on');
  await waitForAll(fs, maxId(acked), 10000, 'after the kill');
  await sleep(200);
  fs.forEach((f, i) => {
    assert.deepEqual(f.lost, [], `client ${i}: no history-lost`);
    assertGapFree(f.events, `client ${i}`);
    assertHasAll(f.events, acked, `client ${i}`);
  });
  assert.ok(fs.slice(0, 3).every((f) => f.connects.length >= 2), 'the victim\'s clients reconnected');
  await startNode(1);
  await waitReady(s.nodes[1]);
}, { timeoutMs: 40000 });

check('stop Redis under load: 503 + Retry-After, streams stay open, /readyz 503; restart it: publishing resumes, nothing lost or duplicated', async () => {
  await begin();
  // Raw streams (no reconnect) show that streams stay open through the outage; followers (an
  // EventSource each: on every instance and through nginx) that nothing acknowledged is lost.
  const caps = [];
  for (const n of s.nodes) caps.push(await stream(n.base, 'topic=outage'));
  const fs = [...s.nodes.map((n) => () => n.base), () => s.nginx.base].map((pick) => track(follower({ topic: 'outage', pick })));
  await Promise.all(fs.map((f) => f.opened));
  const pubs = s.nodes.map((n, p) => publisherLoop({ pickBase: () => n.base, token: s.token, topic: 'outage', tag: `o${p}`, gapMs: 20 }));
  await sleep(1000);
  await s.redis.stop();
  const downAt = performance.now();
  // Each publisher is refused within a few seconds; each instance says it is not ready.
  for (const [i, p] of pubs.entries()) {
    const r = await waitUntil(() => p.failed.find((x) => x.sentAt > downAt), { timeoutMs: 5000, what: `publisher ${i}: a refusal` });
    assert.equal(r.status, 503, `publisher ${i}: ${JSON.stringify(r)}`);
    assert.ok(Number(r.retryAfter) > 0, `publisher ${i}: Retry-After (${r.retryAfter})`);
    assert.equal(typeof r.json?.error, 'string', `publisher ${i}: {"error":...}`);
  }
  for (const n of s.nodes) await waitUntil(async () => await readyz(n.base) === 503, { timeoutMs: 5000, what: `${n.name}: /readyz 503` });
  const heard = caps.map((c) => c.comments.length);
  await sleep(1500);
  caps.forEach((c, i) => {
    assert.equal(c.ended, false, `stream ${i} still open without Redis`);
    assert.ok(c.comments.length >= heard[i] + 3, `stream ${i}: heartbeats went on (${c.comments.length - heard[i]})`);
  });
  const upAt = performance.now();
  await s.redis.start();
  for (const n of s.nodes) await waitReady(n, 15000);
  await sleep(1500);
  await Promise.all(pubs.map((p) => p.stop()));
  const acked = pubs.flatMap((p) => p.acked);
  remember(acked);
  const duringOutage = acked.filter((a) => a.sentAt > downAt && a.answeredAt < upAt);
  assert.deepEqual(duringOutage, [], 'nothing acknowledged while Redis was down');
  const refused = pubs.flatMap((p) => p.failed);
  assert.ok(refused.length > 0 && refused.every((r) => r.status === 503 && Number(r.retryAfter) > 0), 'the failed publishes got 503 + Retry-After');
  pubs.forEach((p, i) => assert.ok(p.acked.some((a) => a.sentAt > upAt), `publisher ${i} was acknowledged again after the restart`));
  await waitForAll(fs, maxId(acked), 10000, 'after the restart');
  await sleep(200);
  fs.forEach((f, i) => {
    assert.deepEqual(f.lost, [], `follower ${i}: no history-lost`);
    assertGapFree(f.events, `follower ${i}`);
    assertHasAll(f.events, acked, `follower ${i}`);
  });
  const cut = caps.filter((c) => c.ended).length;
  console.log(`# raw streams cut after Redis came back: ${cut} of 3; followers' connects ${fs.map((f) => f.connects.length).join(', ')}`);
}, { timeoutMs: 50000 });

// Redis loses its data (`lose`): the next publish gets an id above every earlier one, each
// connected client gets one history-lost, and events go on arriving after it.
async function newEpoch(label, lose) {
  await begin();
  const fs = [...s.nodes.map((n) => () => n.base), () => s.nginx.base].map((pick) => track(follower({ topic: label, pick })));
  await Promise.all(fs.map((f) => f.opened));
  const before = [];
  for (let i = 0; i < 10; i += 1) before.push(...(await publishOk(random(bases()), s.token, { topic: label, data: `old-${i}` })));
  remember(before.map((id) => ({ id })));
  await waitForAll(fs, before.at(-1), 5000, `${label}: before`);
  const epochs = await Promise.all(s.nodes.map((n) => metric(n.base, 'ssehub_backplane_epochs_total')));
  await lose();
  const after = [];
  for (let i = 0; i < 10; i += 1) after.push(...(await publishOk(random(bases()), s.token, { topic: label, data: `new-${i}` })));
  const highest = [...s.everId].reduce((m, id) => (BigInt(id) > m ? BigInt(id) : m), 0n);
  assert.ok(BigInt(after[0]) > highest, `the first id after (${after[0]}) is above every earlier one (${highest})`);
  remember(after.map((id) => ({ id })));
  // The control event carries the id to resume from (the newest event when it was sent): the
  // events up to it are covered by it, the client reloads its state.
  const covered = (f, id) => f.has(id) || f.lost.some((l) => BigInt(l.id || '0') >= BigInt(id));
  await waitUntil(() => fs.every((f) => f.lost.length > 0 && covered(f, after.at(-1))),
    { timeoutMs: 5000, what: `${label}: a history-lost on every client` }).catch((e) => {
    throw new Error(`${e.message}\n${fs.map((f, i) => `  follower ${i}: ${describe(f)}`).join('\n')}`);
  });
  // And the stream goes on: an event published now arrives everywhere.
  const tail = await publishOk(random(bases()), s.token, { topic: label, data: 'tail' });
  remember(tail.map((id) => ({ id })));
  after.push(...tail);
  await waitForAll(fs, tail[0], 5000, `${label}: an event after the history-lost`);
  await sleep(500);
  fs.forEach((f, i) => {
    assert.equal(f.lost.length, 1, `client ${i}: exactly one history-lost`);
    const ids = f.events.map((e) => e.id);
    assert.equal(new Set(ids).size, ids.length, `client ${i}: no id twice`);
    for (let k = 1; k < ids.length; k += 1) assert.ok(BigInt(ids[k]) > BigInt(ids[k - 1]), `client ${i}: ids increase`);
    assert.deepEqual(ids.filter((id) => before.includes(id)), before, `client ${i}: every event before`);
    // The control event carries the id to resume from: every later event of the new epoch follows.
    const resumed = BigInt(f.lost[0].id || '0');
    const later = (id) => BigInt(id) >= BigInt(after[0]) && BigInt(id) > resumed;
    assert.deepEqual(ids.filter(later), after.filter(later), `client ${i}: every event after the history-lost (${resumed})`);
  });
  const epochsNow = await Promise.all(s.nodes.map((n) => metric(n.base, 'ssehub_backplane_epochs_total')));
  assert.ok(epochsNow.reduce((a, b) => a + b, 0) > epochs.reduce((a, b) => a + b, 0), 'ssehub_backplane_epochs_total rose');
}

check('FLUSHALL: a new epoch with higher ids, one history-lost per client, no id reused', () =>
  newEpoch('flush', () => s.redis.cli('FLUSHALL')), { timeoutMs: 25000 });

check('the counter set back by hand: a new epoch with higher ids, one history-lost per client, no id reused', () =>
  newEpoch('lowered', () => s.redis.cli('SET', `${KEY}:last-id`, '5')), { timeoutMs: 25000 });

await run({ deadlineMs: 120000 });
