// A real redis-server (Debian's package) on a free loopback port for one test file, or a clear skip where the
// binary is missing: Redis tests run against the engine itself, never a fake of it.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { describe } from 'vitest';

export interface RedisServer {
  port: number;
  /** redis://127.0.0.1:<port>/<db> */
  url(db?: number): string;
  /** SIGKILL-free stop: SIGTERM, then wait for the process to exit. */
  stop(): Promise<void>;
  /** Stops the server and starts it again on the same port (Redis going away and coming back). */
  restart(): Promise<void>;
}

const SKIP_LINE =
  "redis-server is not on the PATH: Redis tests skipped (install Debian's redis-server, e.g. `apt-get install redis-server`, to run them)";

/** True where `redis-server` can be started. */
export const hasRedisServer: boolean =
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

/** `describe` for a Redis test file: runs it when redis-server exists, else reports it skipped with one line. */
export function describeWithRedis(name: string, body: () => void): void {
  if (hasRedisServer) {
    describe(name, body);
    return;
  }
  console.warn(SKIP_LINE);
  describe.skip(`${name} (${SKIP_LINE})`, body);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server without persistence on a free port and resolves once it accepts connections. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child = await launch(port);
  return {
    port,
    url: (db = 0) => `redis://127.0.0.1:${port}/${db}`,
    stop: () => terminate(child),
    async restart() {
      await terminate(child);
      child = await launch(port);
    },
  };
}

function launch(port: number): Promise<ChildProcess> {
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--protected-mode',
    'no',
  ];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) {
        child.stdout?.off('data', onData);
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.resume();
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`redis-server exited with ${code} before it was ready: ${output}`)),
    );
  });
}

function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
