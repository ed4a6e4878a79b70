// The ssehub binary as the soak test's child: started with --port 0 and a quiet log, its port
// read from /proc (a warn-level log does not print it), its RSS and open descriptors sampled
// from /proc, and killed if the test dies (setpriv --pdeathsig, and an exit handler).
import { spawn } from 'node:child_process';
import fs from 'node:fs';

const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));
const OUTPUT_KEPT = 64 * 1024;

export function startSsehub(binary, args) {
  const [file, argv] = setpriv ? [setpriv, ['--pdeathsig', 'KILL', '--', binary, ...args]] : [binary, args];
  // Without SSEHUB_* variables: the binary refuses names it does not know.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SSEHUB_')));
  const child = spawn(file, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  const keep = (chunk) => { child.output = (child.output + chunk.toString()).slice(-OUTPUT_KEPT); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  process.on('exit', () => { if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL'); });
  return child;
}

export function isRunning(child) {
  return child.exitCode === null && child.signalCode === null;
}

// The TCP port `pid` listens on: its socket inodes matched against /proc/net/tcp{,6} LISTEN rows.
export function listeningPort(pid) {
  const inodes = new Set();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = fs.readlinkSync(`/proc/${pid}/fd/${fd}`).match(/^socket:\[(\d+)\]$/);
      if (m) inodes.add(m[1]);
    } catch { /* closed meanwhile */ }
  }
  for (const table of ['tcp', 'tcp6']) {
    let rows = [];
    try { rows = fs.readFileSync(`/proc/${pid}/net/${table}`, 'utf8').split('\n').slice(1); } catch { continue; }
    for (const row of rows) {
      const f = row.trim().split(/\s+/);
      if (f.length > 9 && f[3] === '0A' && inodes.has(f[9])) return parseInt(f[1].split(':')[1], 16);
    }
  }
  return null;
}

export async function waitForPort(child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isRunning(child)) throw new Error(`ssehub exited early:\n${child.output}`);
    try {
      const port = listeningPort(child.pid);
      if (port) return port;
    } catch { /* /proc entries appear as the process starts */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`ssehub did not listen within ${timeoutMs} ms:\n${child.output}`);
}

export function rssBytes(pid) {
  const m = fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB/m);
  return m ? Number(m[1]) * 1024 : NaN;
}

export function openFds(pid) {
  return fs.readdirSync(`/proc/${pid}/fd`).length;
}
