// A real redis-server for the cluster tests: its own directory under the test's temporary one,
// a free port on 127.0.0.1, no RDB snapshots and an append-only file (so a stop and a start on
// the same directory and port keep the data, as a restarted production Redis would), and
// redis-cli for the commands a test plays with (FLUSHALL, SET <prefix>:last-id, XLEN).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { freePort, sleep } from './http.mjs';
import { isRunning, spawnTracked, stopProcess } from './processes.mjs';

const serverBinary = process.env.REDIS_SERVER || 'redis-server';
const cliBinary = process.env.REDIS_CLI || 'redis-cli';

// redis-cli's reply, without --raw so that the kinds can be told apart: "(error) ..." throws,
// "(integer) n" is a Number, a quoted string is the string, "(nil)" is null, anything else
// (OK, PONG, LOADING ...) the text as printed.
export function parseCliReply(text) {
  const t = text.trim();
  if (t.startsWith('(error) ')) throw new Error(`redis: ${t.slice(8)}`);
  const int = t.match(/^\(integer\) (-?\d+)$/);
  if (int) return Number(int[1]);
  if (t === '(nil)') return null;
  if (t.startsWith('"') && t.endsWith('"')) return JSON.parse(t);
  return t;
}

// Runs `redis-cli -h 127.0.0.1 -p port args...` (bounded by `timeoutMs`); resolves with the
// parsed reply, rejects when the server cannot be reached or answers an error.
export function redisCli(port, args, { timeoutMs = 5000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(cliBinary, ['--no-raw', '-h', '127.0.0.1', '-p', String(port), ...args.map(String)],
      { timeout: timeoutMs }, (err, stdout, stderr) => {
        if (err) { reject(new Error(`redis-cli ${args.join(' ')}: ${err.message} ${stderr}`)); return; }
        // redis-cli exits 0 when the server is down, saying so on stderr or stdout.
        if (/Could not connect|Connection refused/.test(stdout + stderr)) {
          reject(new Error(`redis-cli ${args.join(' ')}: ${(stdout + stderr).trim()}`));
          return;
        }
        try { resolve(parseCliReply(stdout)); } catch (e) { reject(e); }
      });
  });
}

async function launch(r) {
  const args = ['--bind', '127.0.0.1', '--port', String(r.port), '--dir', r.dir,
    '--save', '', '--appendonly', 'yes', '--daemonize', 'no', '--protected-mode', 'yes',
    ...r.extraArgs];
  r.child = spawnTracked(serverBinary, args, { logFile: path.join(r.dir, 'redis.log') });
  // "Ready" means PING answers PONG: while it loads the append-only file it answers LOADING.
  for (const end = Date.now() + 10000; Date.now() < end;) {
    if (!isRunning(r.child)) break;
    try {
      if (await redisCli(r.port, ['PING'], { timeoutMs: 1000 }) === 'PONG') return;
    } catch { /* not listening yet */ }
    await sleep(25);
  }
  const output = r.child.output;
  await stopProcess(r.child, { signal: 'SIGKILL' });
  throw Object.assign(new Error(`redis-server on port ${r.port} did not answer PING within 10 s:\n${output.slice(-3000)}`),
    { addressInUse: /Address already in use/.test(output) });
}

// Starts redis-server under `tmp`/`name`. `extraArgs`: more redis-server options (e.g.
// ['--stream-node-max-entries', '10']). Returns {port, url, dir, cli(...args), stop(),
// kill(), start(), xlen(key)}; stop() is a SIGTERM, which makes Redis fsync its append-only
// file first; start() runs it again on the same port and directory.
export async function startRedis({ tmp, name = 'redis', extraArgs = [] }) {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  const r = { dir, extraArgs, child: null };
  for (let attempt = 1; ; attempt += 1) {
    r.port = await freePort();
    try {
      await launch(r);
      break;
    } catch (e) {
      if (!(e.addressInUse && attempt < 3)) throw e; // another test took the port meanwhile
    }
  }
  r.url = `redis://127.0.0.1:${r.port}`;
  r.cli = (...args) => redisCli(r.port, args);
  r.xlen = (key) => redisCli(r.port, ['XLEN', key]);
  r.running = () => r.child !== null && isRunning(r.child);
  r.stop = () => (r.child ? stopProcess(r.child) : Promise.resolve());
  r.kill = () => (r.child ? stopProcess(r.child, { signal: 'SIGKILL' }) : Promise.resolve());
  r.start = async () => { if (!r.running()) await launch(r); };
  return r;
}
