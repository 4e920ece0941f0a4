// The replicas phase's processes: a redis-server on a free port and bot replicas (the real service, src/main.ts
// under tsx) pointed at the peers' simulator and fake Slack, each readable through its JSON log lines.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { SIM_DEFAULT_CREDENTIALS } from '../../src/sim/seed-ids.js';
import type { PeerStarted } from '../peer-messages.js';
import { sleep } from './phase-context.js';

export const hasRedisServer = (): boolean =>
  spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;

export interface BenchRedis {
  url: string;
  stop(): Promise<void>;
}

export interface BenchReplica {
  id: string;
  lines: Record<string, unknown>[];
  /** Epoch ms of the first log line from index `from` that `match` accepts, once there is one. */
  waitForLine(
    match: (l: Record<string, unknown>) => boolean,
    timeoutMs: number,
    from?: number,
  ): Promise<number>;
  kill(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startBenchRedis(): Promise<BenchRedis> {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('Ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
  child.stdout?.resume();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    async stop() {
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}

export function startBenchReplica(
  id: string,
  urls: PeerStarted,
  redisUrl: string,
  env: Record<string, string>,
): BenchReplica {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: 'bench-replica-secret',
      PORT: '0',
      SLACK_API_URL: urls.slackApiUrl,
      VEEAM_EM_URL: urls.simUrl,
      VEEAM_EM_USERNAME: SIM_DEFAULT_CREDENTIALS.username,
      VEEAM_EM_PASSWORD: SIM_DEFAULT_CREDENTIALS.password,
      VEEAM_STATE_URL: redisUrl,
      VEEAM_INSTANCE_ID: id,
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop() ?? '';
    for (const text of parts) {
      try {
        lines.push({ ...(JSON.parse(text) as Record<string, unknown>), seenAt: Date.now() });
      } catch {
        // Not ours to read (a warning printed by Node itself).
      }
    }
  });
  return {
    id,
    lines,
    async waitForLine(match, timeoutMs, from = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.slice(from).find(match);
        if (found) return found.seenAt as number;
        if (Date.now() > deadline) throw new Error(`${id}: no matching log line within ${timeoutMs} ms`);
        await sleep(20);
      }
    },
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited(child);
    },
  };
}

export const isLeading = (l: Record<string, unknown>): boolean =>
  typeof l.msg === 'string' && l.msg.startsWith('leading:');

/** Every command Redis ran so far (INFO commandstats), less the INFO calls that read it. */
export function commandCalls(info: string): number {
  let total = 0;
  for (const match of info.matchAll(/^cmdstat_([a-z|]+):calls=(\d+)/gm)) {
    if (match[1] !== 'info') total += Number(match[2]);
  }
  return total;
}
