// Child processes of a test script (ssehub, nginx), each tied to the script's life: stopped by
// the script's clean-up, killed on its exit, and, through `setpriv --pdeathsig`, signalled by
// the kernel if the script itself is killed (a ctest timeout sends SIGKILL).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoRoot = path.resolve(e2eDir, '../..');
export const artifactsDir = path.join(e2eDir, 'artifacts');

const children = new Set();
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
const OUTPUT_KEPT = 256 * 1024;

process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => process.exit(1)); // runs the 'exit' handler above
}

// The ssehub binary: first argument, else $SSEHUB_BINARY, else the default build's.
export function ssehubBinary() {
  const b = process.argv[2] || process.env.SSEHUB_BINARY || path.join(repoRoot, 'build/release/app/ssehub');
  if (!fs.existsSync(b)) throw new Error(`no ssehub binary at ${b} (pass its path as the first argument)`);
  return path.resolve(b);
}

export function makeTempDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ssehub-e2e-${label}-`));
  fs.chmodSync(dir, 0o755); // nginx workers run as nobody when the master is root
  return dir;
}

// The environment without SSEHUB_* variables: ssehub would apply (or warn about) them, and the
// tests pass their settings in a config file and flags, not by inheritance.
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('SSEHUB_')) env[k] = v;
  return { ...env, ...extra };
}

export function spawnTracked(cmd, args, { env = cleanEnv(), deathSignal = 'KILL', logFile } = {}) {
  const [file, argv] = setpriv ? [setpriv, ['--pdeathsig', deathSignal, '--', cmd, ...args]] : [cmd, args];
  const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : null;
  const keep = (chunk) => {
    child.output = (child.output + chunk.toString()).slice(-OUTPUT_KEPT);
    log?.write(chunk);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => {
    // 'close', not 'exit': 'exit' can come before the last output has been read from the pipes,
    // and the tests read the output once the process is gone (was a flake: e2e.log_format saw
    // "listening on" as the last line, its shutdown lines still unread).
    child.on('close', (code, signal) => { children.delete(child); log?.end(); resolve({ code, signal }); });
  });
  children.add(child);
  return child;
}

export function isRunning(child) {
  return child.exitCode === null && child.signalCode === null;
}

export async function stopProcess(child, { signal = 'SIGTERM', graceMs = 5000 } = {}) {
  if (isRunning(child)) {
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await child.exited;
    clearTimeout(timer);
  }
  return child.exited;
}

// Resolves with the match once the child prints `pattern`; rejects if it exits or is silent.
export function waitForOutput(child, pattern, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const done = (fn, value) => {
      clearTimeout(timer);
      child.stdout.off('data', look);
      child.stderr.off('data', look);
      fn(value);
    };
    const look = () => { const m = child.output.match(pattern); if (m) done(resolve, m); };
    const timer = setTimeout(() => done(reject, new Error(`${what}: not ready within ${timeoutMs} ms; output:\n${child.output}`)), timeoutMs);
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.exited.then(({ code, signal }) => done(reject, new Error(`${what} exited (${code ?? signal}):\n${child.output}`)));
    look();
  });
}

// Starts ssehub on 127.0.0.1 with a config file of `settings` (config keys, snake_case) in
// `tmp`; `port` 0 lets the kernel choose. Returns {child, port, base, token, stop()}.
export async function startSsehub({ tmp, port = 0, settings = {}, token = crypto.randomBytes(12).toString('hex') }) {
  startSsehub.count = (startSsehub.count ?? 0) + 1;
  const name = `ssehub-${startSsehub.count}`;
  const config = { static_root: path.join(repoRoot, 'static'), publish_token: token, ...settings };
  const file = path.join(tmp, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  const child = spawnTracked(ssehubBinary(), ['--config', file, '--bind', '127.0.0.1', '--port', String(port)],
    { logFile: path.join(tmp, `${name}.log`) });
  const m = await waitForOutput(child, /listening on http:\/\/127\.0\.0\.1:(\d+)/, 10000, name);
  const p = Number(m[1]);
  return { child, name, port: p, base: `http://127.0.0.1:${p}`, token, stop: (opts) => stopProcess(child, opts) };
}
