// A tiny sequential test runner for scripts that drive real processes: each check has a time
// limit, the whole script has a deadline, clean-ups (stop servers, close the browser) run on
// success, failure and deadline alike, and the last line is "N passed, N failed[, N skipped]".
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

const checks = [];
const cleanups = [];
const tally = { passed: 0, failed: 0, skipped: 0 };

// `required`: when it fails, the checks after it are skipped (a setup step, say).
export function check(name, fn, { timeoutMs = 15000, required = false } = {}) {
  checks.push({ name, fn, timeoutMs, required });
}

// Runs at the end, newest first, whatever happened.
export function onCleanup(fn) {
  cleanups.push(fn);
}

export function withTimeout(promise, ms, what) {
  let timer;
  const limit = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

async function runCleanups() {
  while (cleanups.length) {
    const fn = cleanups.pop();
    try {
      await withTimeout(Promise.resolve().then(fn), 10000, 'clean-up');
    } catch (e) {
      console.log(`# clean-up failed: ${e.message}`);
    }
  }
}

// Removes `dir` at the end if every check passed; otherwise keeps it (server logs, configs).
export function removeWhenPassed(dir) {
  onCleanup(() => {
    if (tally.failed) console.log(`# kept for inspection: ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  });
}

function indent(text) {
  return String(text).split('\n').map((l) => `#   ${l}`).join('\n');
}

// Runs every check in order; sets the exit code. `deadlineMs` bounds the whole script.
export async function run({ deadlineMs = 90000 } = {}) {
  const watchdog = setTimeout(async () => {
    tally.failed += 1;
    console.log(`not ok: the script passed its ${deadlineMs} ms deadline`);
    await runCleanups();
    console.log(`${tally.passed} passed, ${tally.failed} failed`);
    process.exit(1);
  }, deadlineMs);
  let stop = false;
  for (const c of checks) {
    if (stop) { tally.skipped += 1; console.log(`skip ${c.name}`); continue; }
    const t0 = performance.now();
    try {
      await withTimeout(Promise.resolve().then(c.fn), c.timeoutMs, c.name);
      tally.passed += 1;
      console.log(`ok ${c.name} (${Math.round(performance.now() - t0)} ms)`);
    } catch (e) {
      tally.failed += 1;
      console.log(`not ok ${c.name} (${Math.round(performance.now() - t0)} ms)`);
      console.log(indent(e && e.stack ? e.stack : e));
      stop = c.required;
    }
  }
  await runCleanups();
  clearTimeout(watchdog);
  const { passed, failed, skipped } = tally;
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
  process.exitCode = failed ? 1 : 0;
}
