// Slack's side of the ack benchmark: a lean HTTP/1.1 client on plain sockets (one request per socket at a time,
// sockets kept alive), so the time a request spends in the generator's own HTTP stack stays out of the bot's ack.

import net from 'node:net';

interface AckAnswer {
  ms: number;
  status: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

export class AckClient {
  /** Idle sockets by host:port: one run measures several servers (ours and the floors) side by side. */
  private readonly idle = new Map<string, net.Socket[]>();
  private readonly all = new Set<net.Socket>();

  /** Sends one POST and resolves when its whole answer is in: milliseconds from the send, and the status. */
  post(url: URL, headers: Record<string, string>, body: string): Promise<AckAnswer> {
    const payload = Buffer.from(body);
    const head = [
      `POST ${url.pathname}${url.search} HTTP/1.1`,
      `host: ${url.host}`,
      'connection: keep-alive',
      `content-length: ${payload.length}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      '',
      '',
    ].join('\r\n');
    const request = Buffer.concat([Buffer.from(head, 'latin1'), payload]);
    return new Promise<AckAnswer>((resolve, reject) => {
      const started = performance.now();
      const idle = this.idleFor(url.host);
      const socket = idle.pop() ?? this.connect(url);
      let received: Buffer = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        received = received.length === 0 ? chunk : Buffer.concat([received, chunk]);
        const status = complete(received);
        if (status === undefined) return;
        done();
        idle.push(socket);
        resolve({ ms: performance.now() - started, status });
      };
      const onFail = (err?: Error): void => {
        done();
        reject(err ?? new Error('the bot closed the connection before answering'));
      };
      const onClose = (): void => onFail();
      const done = (): void => {
        socket.off('data', onData);
        socket.off('error', onFail);
        socket.off('close', onClose);
      };
      socket.on('data', onData);
      socket.once('error', onFail);
      socket.once('close', onClose);
      socket.write(request);
    });
  }

  close(): void {
    for (const socket of this.all) socket.destroy();
    this.all.clear();
    this.idle.clear();
  }

  private idleFor(host: string): net.Socket[] {
    let idle = this.idle.get(host);
    if (idle === undefined) {
      idle = [];
      this.idle.set(host, idle);
    }
    return idle;
  }

  private connect(url: URL): net.Socket {
    const socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    this.all.add(socket);
    socket.on('close', () => {
      this.all.delete(socket);
      const idle = this.idleFor(url.host);
      const at = idle.indexOf(socket);
      if (at >= 0) idle.splice(at, 1);
    });
    // An idle socket's errors end in 'close'; a request in flight has its own listener.
    socket.on('error', () => undefined);
    return socket;
  }
}

/** The status once the whole answer (headers and a Content-Length or chunked body) is in; undefined before. */
function complete(buf: Buffer): number | undefined {
  const end = buf.indexOf(HEADER_END);
  if (end < 0) return undefined;
  const head = buf.subarray(0, end).toString('latin1').toLowerCase();
  const status = Number(head.slice(9, 12));
  const bodyLength = buf.length - end - HEADER_END.length;
  const length = /\r\ncontent-length:\s*(\d+)/.exec(head);
  if (length) return bodyLength >= Number(length[1]) ? status : undefined;
  if (/\r\ntransfer-encoding:\s*chunked/.test(head)) {
    return buf.subarray(buf.length - CHUNKED_END.length).equals(CHUNKED_END) ? status : undefined;
  }
  return status;
}
