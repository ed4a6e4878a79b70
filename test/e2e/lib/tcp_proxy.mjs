// A TCP proxy on 127.0.0.1 that a test can cut: `cut()` drops every connection and refuses new
// ones (accepts and closes them at once, keeping the port), `restore()` forwards again. It
// records the head of each request so a test can see what a client sent on reconnect.
import net from 'node:net';

export class TcpProxy {
  constructor(targetPort) {
    this.targetPort = targetPort;
    this.isCut = false;
    this.sockets = new Set();
    this.requests = []; // first bytes of each forwarded connection, as text
    this.server = net.createServer((client) => this.onClient(client));
  }

  listen() {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', () => {
        this.port = this.server.address().port;
        resolve(this);
      });
    });
  }

  onClient(client) {
    if (this.isCut) {
      client.destroy();
      return;
    }
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    const record = { head: '' };
    this.requests.push(record);
    client.on('data', (d) => { if (record.head.length < 4096) record.head += d.toString('latin1'); });
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.setNoDelay(true);
      s.on('error', () => { client.destroy(); upstream.destroy(); });
      s.on('close', () => { this.sockets.delete(s); client.destroy(); upstream.destroy(); });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }

  cut() {
    this.isCut = true;
    for (const s of this.sockets) s.destroy();
  }

  restore() {
    this.isCut = false;
  }

  close() {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
