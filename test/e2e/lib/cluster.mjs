// Clients for the cluster tests: a follower (an npm EventSource whose every connect may go to
// another instance, and may be cut after a while, as a client behind a load balancer sees it),
// a publisher loop that keeps what each request got, and the checks on what a follower received.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { EventSource } from 'eventsource';
import { publish, sleep, waitUntil } from './http.mjs';

export const historyLost = 'ssehub.history-lost';

// `res` whose body ends after `ms`, as if the connection had been dropped then: the EventSource
// reconnects with its Last-Event-ID.
function cutAfter(res, ms) {
  if (!res.body) return res;
  const reader = res.body.getReader();
  let timer;
  const body = new ReadableStream({
    start(c) {
      timer = setTimeout(() => { reader.cancel().catch(() => {}); try { c.close(); } catch { /* closed */ } }, ms);
    },
    async pull(c) {
      try {
        const { done, value } = await reader.read();
        if (done) { clearTimeout(timer); c.close(); } else c.enqueue(value);
      } catch (e) {
        clearTimeout(timer);
        try { c.error(e); } catch { /* already closed by the timer */ }
      }
    },
    cancel() { clearTimeout(timer); return reader.cancel().catch(() => {}); },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

// An EventSource on `topic`. `pick(n)` gives the base URL of its n-th connect (0 the first);
// `lifeMs(n)` when set cuts that connection after so many ms; `pauseMs(n)` waits so long before
// connecting (the client is away while events flow). Keeps `events` [{id, data}], `lost` (the
// history-lost events [{id, data}]), `connects` [{base, lastEventId}] and `refused` (answers
// other than 200: an EventSource would give up on them, this one reconnects and counts them).
export function follower({ topic, pick, lifeMs, pauseMs }) {
  const f = { events: [], lost: [], connects: [], refused: [] };
  f.es = new EventSource(`http://cluster.invalid/events?topic=${encodeURIComponent(topic)}`, {
    fetch: async (url, init) => {
      const n = f.connects.length;
      const base = pick(n);
      f.connects.push({ base, lastEventId: init.headers?.['Last-Event-ID'] ?? null });
      const pause = pauseMs?.(n);
      if (pause) await sleep(pause);
      const u = new URL(url);
      const res = await fetch(`${base}${u.pathname}${u.search}`, init);
      if (res.status !== 200) {
        f.refused.push({ base, status: res.status });
        await res.body?.cancel();
        throw new Error(`${base} answered ${res.status}`); // a network error: the EventSource retries
      }
      const life = lifeMs?.(n);
      return life ? cutAfter(res, life) : res;
    },
  });
  f.es.onmessage = (e) => f.events.push({ id: e.lastEventId, data: e.data });
  f.es.addEventListener(historyLost, (e) => f.lost.push({ id: e.lastEventId, data: e.data }));
  f.opened = new Promise((resolve) => { f.es.onopen = resolve; });
  f.close = () => f.es.close();
  f.has = (id) => f.events.some((e) => e.id === id);
  return f;
}

// Publishes {topic, data: `${tag}-${k}`} (k = 0, 1, ...) to `pickBase(k)` one request at a time,
// `gapMs` apart, until stop() (or `count` events). Keeps every answer: `acked` [{id, data, base}],
// `failed` [{status, retryAfter, json, base, sentAt, answeredAt}] (status 0: no answer at all).
export function publisherLoop({ pickBase, token, topic, tag, gapMs = 10, count = Infinity, batch = 1 }) {
  const p = { acked: [], failed: [], stopped: false };
  p.stop = async () => { p.stopped = true; await p.done; };
  p.done = (async () => {
    for (let k = 0; !p.stopped && k < count; k += batch) {
      const base = pickBase(k);
      const drafts = Array.from({ length: Math.min(batch, count - k) }, (_, j) => ({ topic, data: `${tag}-${k + j}` }));
      const sentAt = performance.now();
      try {
        const r = await publish(base, token, batch === 1 ? drafts[0] : drafts);
        if (r.status === 202) {
          r.json.ids.forEach((id, j) => p.acked.push({ id, data: drafts[j].data, base, sentAt, answeredAt: performance.now() }));
        } else {
          p.failed.push({ status: r.status, retryAfter: r.headers.get('retry-after'), json: r.json, base, sentAt, answeredAt: performance.now() });
        }
      } catch (e) {
        p.failed.push({ status: 0, error: e.message, base, sentAt, answeredAt: performance.now() });
      }
      if (gapMs) await sleep(gapMs);
    }
  })();
  return p;
}

const big = (id) => BigInt(id);

// Ids of `events` are strictly increasing and each exactly one above the one before (one topic,
// nothing else published meanwhile: a gap is a lost event, a repeat a duplicate).
export function assertGapFree(events, what) {
  for (let i = 1; i < events.length; i += 1) {
    const [a, b] = [big(events[i - 1].id), big(events[i].id)];
    assert.ok(b > a, `${what}: id ${b} after ${a} (duplicate or out of order) at position ${i}`);
    assert.equal(b, a + 1n, `${what}: ids jump from ${a} to ${b} (lost events) at position ${i}`);
  }
}

// Every acknowledged event is among `events`, with its data.
export function assertHasAll(events, acked, what) {
  const byId = new Map(events.map((e) => [e.id, e.data]));
  const missing = acked.filter((a) => !byId.has(a.id));
  assert.equal(missing.length, 0, `${what}: ${missing.length} acknowledged events missing, e.g. ${JSON.stringify(missing.slice(0, 3))}`);
  for (const a of acked) assert.equal(byId.get(a.id), a.data, `${what}: event ${a.id}`);
}

export function maxId(acked) {
  return acked.reduce((m, a) => (big(a.id) > big(m) ? a.id : m), acked[0].id);
}

// What a follower has got so far, for a failure message.
export function describe(f) {
  return `${f.events.length} events up to ${f.events.at(-1)?.id}, history-lost ${JSON.stringify(f.lost.map((l) => l.id))}, `
    + `${f.connects.length} connects (last from ${f.connects.at(-1)?.lastEventId} to ${f.connects.at(-1)?.base}), refused ${f.refused.length}`;
}

// Waits until each follower has received event `id` (bounded); on a timeout says what each has.
export async function waitForAll(followers, id, timeoutMs, what) {
  try {
    await waitUntil(() => followers.every((f) => f.has(id)), { timeoutMs, what: `${what}: every follower to receive ${id}` });
  } catch (e) {
    throw new Error(`${e.message}\n${followers.map((f, i) => `  follower ${i}: ${describe(f)}`).join('\n')}`);
  }
}
