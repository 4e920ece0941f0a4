// One bot replica as its own process: the real service (src/main.ts) on the Redis store, pointed at the simulator
// and the fake Slack the test process serves. The test reads its JSON log lines (stderr) for positive signals:
// started on a port, leading, stopped leading.

import { type ChildProcess, spawn } from 'node:child_process';
import { SIM_DEFAULT_CREDENTIALS } from '../../src/sim/seed-ids.js';
import type { FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { SlackUserAgent } from '../../src/slack-standin/slack-user.js';
import { waitFor } from './wait-for.js';

export const REPLICA_SECRET = 'replica-test-secret';

export interface ReplicaOptions {
  id: string;
  redisUrl: string;
  emUrl: string;
  slack: FakeSlackApi;
  /** Variables on top of the replica defaults; undefined removes one. */
  env?: Record<string, string | undefined>;
}

export interface Replica {
  id: string;
  child: ChildProcess;
  port: number;
  user: SlackUserAgent;
  /** Every JSON log line so far. */
  lines(): Record<string, unknown>[];
  /** Resolves with the first log line (from `from` on) that `match` accepts. */
  waitForLog(
    match: (line: Record<string, unknown>) => boolean,
    options?: { from?: number; timeoutMs?: number; what?: string },
  ): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
  /** SIGKILL: no shutdown, no save, no release of the lease. */
  kill(): Promise<void>;
  /** SIGTERM: the service's clean shutdown; resolves with the exit code. */
  stop(): Promise<number | null>;
}

export function replicaEnv(options: ReplicaOptions): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    SLACK_BOT_TOKEN: 'xoxb-replica-test',
    SLACK_SIGNING_SECRET: REPLICA_SECRET,
    PORT: '0',
    SLACK_API_URL: options.slack.url,
    VEEAM_EM_URL: options.emUrl,
    VEEAM_EM_USERNAME: SIM_DEFAULT_CREDENTIALS.username,
    VEEAM_EM_PASSWORD: SIM_DEFAULT_CREDENTIALS.password,
    VEEAM_STATE_URL: options.redisUrl,
    VEEAM_INSTANCE_ID: options.id,
    VEEAM_LEADER_TTL_MS: '1500',
    VEEAM_OPERATORS: 'UOPER1,UOPER2',
    VEEAM_APPROVERS: 'UAPPR1',
    VEEAM_ALLOWED_CHANNELS: 'COPS1,CINCID1',
    VEEAM_INCIDENT_CHANNEL: 'CINCID1',
    VEEAM_MONITOR_INTERVAL_SECONDS: '1',
    VEEAM_REPEAT_WINDOW_SECONDS: '10',
    // Previews have their own tests; here a click or a command acts at once, as before previews.
    VEEAM_CONFIRM_ACTIONS: 'none',
    TASK_POLL_INTERVAL_MS: '100',
    LOG_LEVEL: 'debug',
    LOG_FORMAT: 'json',
  };
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: replicaEnv(options) as NodeJS.ProcessEnv,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const lines: Record<string, unknown>[] = [];
  let partial = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const text of complete) {
      try {
        lines.push(JSON.parse(text) as Record<string, unknown>);
      } catch {
        lines.push({ msg: text, unparsed: true });
      }
    }
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const waitForLog: Replica['waitForLog'] = (match, o = {}) =>
    waitFor(() => lines.slice(o.from ?? 0).find(match), {
      timeoutMs: o.timeoutMs ?? 15_000,
      what: `${options.id}: ${o.what ?? 'a log line'}`,
    });
  const started = await Promise.race([
    waitForLog((l) => l.msg === 'bot started', { what: 'the bot to start', timeoutMs: 30_000 }),
    exited.then((code) => {
      throw new Error(`replica ${options.id} exited with ${code}: ${JSON.stringify(lines.slice(-5))}`);
    }),
  ]);
  const port = Number(started.port);
  return {
    id: options.id,
    child,
    port,
    user: new SlackUserAgent(`http://127.0.0.1:${port}/slack/events`, REPLICA_SECRET, options.slack),
    lines: () => lines,
    waitForLog,
    exited,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The log line a replica writes when it starts leading (leader-lease.ts). */
export const isLeadingLine = (l: Record<string, unknown>) =>
  typeof l.msg === 'string' && l.msg.startsWith('leading:');
