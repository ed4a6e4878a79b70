// nginx for the tests: config/nginx.conf (or nginx-h2.conf) rendered with test ports (every edit must match the
// shipped text exactly once, so a change to the file cannot silently disable a check), run in
// the foreground under a temporary prefix. Nothing in /etc/nginx or on port 80 is touched.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort, sleep } from './http.mjs';
import { isRunning, repoRoot, spawnTracked, stopProcess } from './processes.mjs';

export const shippedConfPath = path.join(repoRoot, 'config/nginx.conf');
export const shippedH2ConfPath = path.join(repoRoot, 'config/nginx-h2.conf');
const nginxBinary = process.env.NGINX || ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => fs.existsSync(p)) || 'nginx';

// The listen directive of each shipped file, and what a test port makes of it.
const listenOf = {
  [shippedConfPath]: ['listen 127.0.0.1:8081;', (port) => `listen 127.0.0.1:${port};`],
  [shippedH2ConfPath]: ['listen 443 ssl http2;', (port) => `listen 127.0.0.1:${port} ssl http2;`],
};

// `edits`: [[exact text in the file, replacement], ...] applied after the two port edits.
// `upstreamPort` may be an array: one upstream server line each (round-robin, as in a cluster).
export function renderNginxConf({ upstreamPort, listenPort, edits = [], file = shippedConfPath }) {
  let text = fs.readFileSync(file, 'utf8');
  const [listen, listenTo] = listenOf[file];
  const servers = [upstreamPort].flat().map((p) => `server 127.0.0.1:${p};`).join('\n        ');
  const all = [
    ['server 127.0.0.1:8080;', servers],
    [listen, listenTo(listenPort)],
    ...edits,
  ];
  for (const [from, to] of all) {
    const count = text.split(from).length - 1;
    if (count !== 1) throw new Error(`${path.relative(repoRoot, file)}: expected "${from}" once, found it ${count} times`);
    text = text.replace(from, () => to);
  }
  return text;
}

function canConnect(port) {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => { s.destroy(); resolve(true); });
    s.on('error', () => resolve(false));
  });
}

async function launch(prefix, port, conf) {
  fs.writeFileSync(path.join(prefix, 'nginx.conf'), conf);
  const errorLog = path.join(prefix, 'logs/error.log');
  const child = spawnTracked(nginxBinary, ['-p', prefix, '-c', path.join(prefix, 'nginx.conf'), '-e', errorLog,
    '-g', `daemon off; pid ${path.join(prefix, 'nginx.pid')}; error_log ${errorLog} info;`],
  { deathSignal: 'TERM', logFile: path.join(prefix, 'logs/stdout.log') });
  for (const end = Date.now() + 5000; Date.now() < end && isRunning(child);) {
    if (await canConnect(port)) return child;
    await sleep(20);
  }
  await stopProcess(child);
  const log = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '';
  throw Object.assign(new Error(`nginx did not start on port ${port}:\n${child.output}\n${log.slice(-3000)}`),
    { addressInUse: /Address already in use/.test(log + child.output) });
}

// Starts nginx under `tmp`/`name` in front of `upstreamPort` (a port or an array of them);
// `listenPort` 0 picks a free one.
// `file`: which shipped configuration (config/nginx.conf by default; `edits` may be a function
// of the prefix). Returns {child, port, base, prefix, conf, stop(), restart()}.
export async function startNginx({ tmp, name, upstreamPort, listenPort = 0, edits = [], file = shippedConfPath }) {
  const prefix = path.join(tmp, name);
  for (const dir of ['logs', 'temp']) fs.mkdirSync(path.join(prefix, dir), { recursive: true });
  for (let attempt = 1; ; attempt += 1) {
    const port = listenPort || await freePort();
    const conf = renderNginxConf({ upstreamPort, listenPort: port, file,
      edits: typeof edits === 'function' ? edits(prefix) : edits });
    try {
      const child = await launch(prefix, port, conf);
      const scheme = file === shippedH2ConfPath ? 'https' : 'http';
      const n = { child, port, base: `${scheme}://127.0.0.1:${port}`, prefix, conf };
      n.stop = () => stopProcess(n.child);
      n.restart = async () => { await n.stop(); n.child = await launch(prefix, port, conf); };
      return n;
    } catch (e) {
      if (!(e.addressInUse && !listenPort && attempt < 3)) throw e; // another test took the port
    }
  }
}
