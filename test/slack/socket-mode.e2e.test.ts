// Socket Mode, the usual production transport: the bot opens a WebSocket to Slack (here a local stand-in),
// acks every envelope at once, and the work still goes through the same listeners.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, createBot } from '../../src/bot.js';
import { systemClock } from '../../src/clock.js';
import { type Config, loadConfig } from '../../src/config.js';
import { EmClient } from '../../src/em/client.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { SIM_DEFAULT_CREDENTIALS, SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { createSlackWebClient } from '../../src/slack/web-client.js';
import { FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { interactionBody, slashCommandBody } from '../../src/slack-standin/signed-request.js';
import { messageText } from '../../src/slack-standin/slack-user.js';
import { FileStateStore } from '../../src/state/file-state-store.js';
import { FakeSocketModeServer } from '../support/fake-socket-mode.js';
import { waitFor } from '../support/harness.js';
import { assertNoSecretLogged, stackSecrets } from '../support/log-secrets.js';

let sim: EmSimulator;
let slack: FakeSlackApi;
let socket: FakeSocketModeServer;
let em: EmClient;
let bot: Bot;
let dir: string;
let config: Config;
const logger = createMemoryLogger('info');
const dispatcher = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });

beforeAll(async () => {
  sim = await startEmSimulator({ taskDurationMs: 100, backupDurationMs: 300 });
  socket = await FakeSocketModeServer.start();
  slack = new FakeSlackApi();
  slack.socketModeUrl = socket.url;
  await slack.listen();
  dir = mkdtempSync(join(tmpdir(), 'veeam-chatops-socket-'));
  config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-socket-test',
    SLACK_APP_TOKEN: 'xapp-socket-test',
    SLACK_API_URL: slack.url,
    VEEAM_EM_URL: sim.url,
    VEEAM_EM_USERNAME: SIM_DEFAULT_CREDENTIALS.username,
    VEEAM_EM_PASSWORD: SIM_DEFAULT_CREDENTIALS.password,
    VEEAM_OPERATORS: 'UOPER1',
    VEEAM_STATE_FILE: join(dir, 'state.json'),
    TASK_POLL_INTERVAL_MS: '50',
    // The click below runs at once, as before previews; test/slack/preview*.e2e.test.ts cover them.
    VEEAM_CONFIRM_ACTIONS: 'none',
  });
  em = new EmClient({ config: config.em, logger, dispatcher });
  bot = createBot(config, {
    em,
    store: new FileStateStore(config.watch.stateFile, logger),
    clock: systemClock,
    slack: createSlackWebClient(config.slack, logger, {
      retryConfig: { retries: 2, minTimeout: 10, maxTimeout: 50 },
    }),
    logger,
  });
  await bot.start();
  await waitFor(() => socket.connected, { what: 'the Socket Mode connection' });
});
afterAll(async () => {
  await bot?.stop();
  await em?.close();
  await dispatcher.close();
  await socket?.close();
  await slack?.close();
  await sim?.close();
  rmSync(dir, { recursive: true, force: true });
  assertNoSecretLogged(logger.lines, stackSecrets(config, sim));
});

function commandPayload(text: string, user = 'UOPER1'): Record<string, string> {
  const form = slashCommandBody({
    text,
    userId: user,
    channelId: 'COPS1',
    responseUrl: slack.responseUrl('COPS1'),
  });
  return Object.fromEntries(new URLSearchParams(form));
}

describe('Socket Mode', () => {
  it('opens the connection with the app token through apps.connections.open', () => {
    expect(slack.callsTo('apps.connections.open')).toHaveLength(1);
  });

  it('acks a slash command envelope and answers through its response_url', async () => {
    const envelope = socket.push('slash_commands', commandPayload('jobs sql'));
    await waitFor(() => socket.acks.find((a) => a.envelopeId === envelope), { what: 'the ack' });
    const answer = await waitFor(
      () => slack.ephemerals.find((e) => messageText(e).includes('Server Backup SQL')),
      {
        what: 'the job list',
      },
    );
    expect(messageText(answer)).not.toContain('Linux');
  });

  it('runs a button click from an envelope and threads the result', async () => {
    const form = interactionBody({
      userId: 'UOPER1',
      channelId: 'COPS1',
      responseUrl: slack.responseUrl('COPS1'),
      action: { actionId: ACTION_IDS.jobStart, value: SIM_JOB_IDS.linuxWeb },
    });
    const payload = JSON.parse(new URLSearchParams(form).get('payload') ?? '{}') as Record<string, unknown>;
    const envelope = socket.push('interactive', payload);
    await waitFor(() => socket.acks.find((a) => a.envelopeId === envelope), { what: 'the ack' });
    const parent = await waitFor(
      () =>
        slack
          .topLevel('COPS1')
          .find((m) => m.text.includes('Linux Web Servers') && /EM task task-\d+/.test(m.text)),
      { what: 'the running parent' },
    );
    const result = await waitFor(
      () => slack.thread('COPS1', parent.ts).find((m) => /ended: \*/.test(messageText(m))),
      { what: 'the backup result in the thread' },
    );
    expect(messageText(result)).toMatch(/ended: \*Success\*/);
  });
});
