// The real service process (src/main.ts): SIGTERM saves state, logs out of EM and exits 0; a new process from the
// same state file still posts the result of a watch the old one left behind.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SIM_DEFAULT_CREDENTIALS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { messageText, SlackUserAgent } from '../../src/slack-standin/slack-user.js';
import { waitFor } from '../support/harness.js';
import { assertNoSecretLogged, processSecrets } from '../support/log-secrets.js';

const SECRET = 'process-test-secret';
let sim: EmSimulator;
let slack: FakeSlackApi;
let dir: string;

// Each test gets its own simulator, Slack stand-in and state file: no test reads what another posted.
beforeEach(async () => {
  sim = await startEmSimulator({ taskDurationMs: 200, backupDurationMs: 4_000 });
  slack = new FakeSlackApi();
  await slack.listen();
  dir = mkdtempSync(join(tmpdir(), 'veeam-chatops-process-'));
});
afterEach(async () => {
  await slack?.close();
  await sim?.close();
  for (const bot of started.splice(0))
    assertNoSecretLogged(bot.stderr().split('\n'), processSecrets(ENV, sim));
  rmSync(dir, { recursive: true, force: true });
});

/** The bot's secrets (the suite's log check looks for each in every process's stderr). */
const ENV = {
  SLACK_BOT_TOKEN: 'xoxb-process-test',
  SLACK_SIGNING_SECRET: SECRET,
  VEEAM_EM_USERNAME: SIM_DEFAULT_CREDENTIALS.username,
  VEEAM_EM_PASSWORD: SIM_DEFAULT_CREDENTIALS.password,
};
const started: RunningBot[] = [];

interface RunningBot {
  child: ChildProcess;
  port: number;
  stderr: () => string;
  exited: Promise<number | null>;
}

async function startBotProcess(): Promise<RunningBot> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      ...ENV,
      PORT: '0',
      SLACK_API_URL: slack.url,
      VEEAM_EM_URL: sim.url,
      VEEAM_OPERATORS: 'UOPER1',
      VEEAM_STATE_FILE: join(dir, 'state.json'),
      // The start below runs at once, as before previews (test/slack/preview*.e2e.test.ts cover them).
      VEEAM_CONFIRM_ACTIONS: 'none',
      TASK_POLL_INTERVAL_MS: '100',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await waitFor(
    () => {
      const started = /"port":(\d+)[^\n]*"msg":"bot started"/.exec(stderr);
      return started ? Number(started[1]) : undefined;
    },
    { timeoutMs: 15_000, what: 'the bot process to start' },
  );
  const bot = { child, port, stderr: () => stderr, exited };
  started.push(bot);
  return bot;
}

/** Starts a process, has it start a backup and follow its session, then stops it with SIGTERM. */
async function leaveAWatchBehind() {
  const first = await startBotProcess();
  const user = new SlackUserAgent(`http://127.0.0.1:${first.port}/slack/events`, SECRET, slack);
  expect((await user.command('start Server Backup', 'UOPER1', 'COPS1')).status).toBe(200);
  const parent = await waitFor(() => slack.topLevel('COPS1').find((m) => /EM task task-\d+/.test(m.text)), {
    what: 'the running parent message',
  });
  // Wait until the Task itself is reported, so the watch is following the backup session when we stop.
  await waitFor(() => slack.thread('COPS1', parent.ts).length >= 1, { what: 'the Task reply' });
  const logoutsBefore = sim.stats.byRoute['DELETE /logonSessions/{id}'] ?? 0;
  first.child.kill('SIGTERM');
  const code = await Promise.race([
    first.exited,
    new Promise<string>((resolve) => setTimeout(() => resolve('still running after 8 s'), 8_000)),
  ]);
  return { first, parent, code, logoutsBefore };
}

function savedWatches(): string {
  return JSON.stringify(JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')).watches ?? null);
}

describe('the service process', () => {
  it('on SIGTERM saves its watches, logs out of EM and exits 0', async () => {
    const { first, parent, code, logoutsBefore } = await leaveAWatchBehind();

    expect(code).toBe(0);
    expect(sim.stats.byRoute['DELETE /logonSessions/{id}'] ?? 0).toBe(logoutsBefore + 1);
    expect(savedWatches()).toContain(parent.ts);
    expect(first.stderr()).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}|xoxb-process-test/);
  }, 30_000);

  it('started on the saved state, posts the result of the watch the stopped process left, once', async () => {
    const { parent } = await leaveAWatchBehind();

    const second = await startBotProcess();
    const final = await waitFor(
      () =>
        slack
          .thread('COPS1', parent.ts)
          .find((m) => /ended: \*(Success|Warning|Failed)\*/.test(messageText(m))),
      { timeoutMs: 15_000, what: 'the backup result posted by the new process' },
    );
    expect(messageText(final)).toContain('Server Backup');
    // Once the process has exited nothing more can be posted, and a watch still owing a post would be saved.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    expect(savedWatches()).not.toContain(parent.ts);
    const finals = slack.thread('COPS1', parent.ts).filter((m) => /ended: \*/.test(messageText(m)));
    expect(finals).toHaveLength(1);
  }, 60_000);
});
