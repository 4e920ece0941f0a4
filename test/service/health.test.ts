// /healthz and /readyz over HTTP: on the bot's own port beside /slack/events (HTTP mode) and on the health server
// (Socket Mode). Checks are triggered with checkNow(), never waited out on the 30 s timer.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Bot, createBot } from '../../src/bot.js';
import { systemClock } from '../../src/clock.js';
import { type Config, loadConfig } from '../../src/config.js';
import { EmClient } from '../../src/em/client.js';
import { healthRoutes } from '../../src/health/health-routes.js';
import { startHealthServer } from '../../src/health/health-server.js';
import { Readiness } from '../../src/health/readiness.js';
import { emProbe, slackProbe, stateProbe } from '../../src/health/readiness-probes.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { SIM_DEFAULT_CREDENTIALS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { createSlackWebClient } from '../../src/slack/web-client.js';
import { FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { FileStateStore } from '../../src/state/file-state-store.js';
import { assertNoSecretLogged, stackSecrets } from '../support/log-secrets.js';

const dispatcher = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
const logger = createMemoryLogger('debug');
afterAll(() => dispatcher.close());

async function get(url: string): Promise<{ status: number; body: Record<string, any>; text: string }> {
  const res = await request(url, { dispatcher });
  const text = await res.body.text();
  return { status: res.statusCode, body: JSON.parse(text), text };
}

describe('health endpoints in HTTP mode, on the Slack port', () => {
  let sim: EmSimulator;
  let slack: FakeSlackApi;
  let dir: string;
  let config: Config;
  let em: EmClient;
  let bot: Bot;
  let readiness: Readiness;
  let base: string;

  beforeAll(async () => {
    sim = await startEmSimulator();
    slack = new FakeSlackApi();
    await slack.listen();
    dir = mkdtempSync(join(tmpdir(), 'veeam-chatops-health-'));
    config = loadConfig({
      SLACK_BOT_TOKEN: 'xoxb-health-test',
      SLACK_SIGNING_SECRET: 'health-test-secret',
      PORT: '0',
      SLACK_API_URL: slack.url,
      VEEAM_EM_URL: sim.url,
      VEEAM_EM_USERNAME: SIM_DEFAULT_CREDENTIALS.username,
      VEEAM_EM_PASSWORD: SIM_DEFAULT_CREDENTIALS.password,
      VEEAM_EM_TIMEOUT_MS: '2000',
      VEEAM_STATE_FILE: join(dir, 'state.json'),
    });
    em = new EmClient({ config: config.em, logger, dispatcher });
    const probeSlack = createSlackWebClient(config.slack, logger, { retryConfig: { retries: 0 } });
    readiness = new Readiness({
      probes: [emProbe(em), slackProbe(probeSlack), stateProbe(config.watch.stateFile)],
      logger,
    });
    bot = createBot(config, {
      em,
      store: new FileStateStore(config.watch.stateFile, logger),
      clock: systemClock,
      slack: createSlackWebClient(config.slack, logger),
      logger,
      host: '127.0.0.1',
      customRoutes: healthRoutes(readiness),
    });
    const { port } = await bot.start();
    base = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    await bot?.stop();
    await em?.close();
    await slack?.close();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
    assertNoSecretLogged(logger.lines, stackSecrets(config, sim));
  });

  it('answers /healthz 200 while the process runs', async () => {
    expect(await get(`${base}/healthz`)).toMatchObject({ status: 200, body: { status: 'ok' } });
  });

  it('answers /readyz 503 before the first check, then 200 once EM, Slack and the state store are up', async () => {
    const before = await get(`${base}/readyz`);
    expect(before.status).toBe(503);
    expect(before.body.down).toEqual(['em', 'slack', 'state']);

    await readiness.checkNow();
    const after = await get(`${base}/readyz`);
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      status: 'ready',
      checks: { em: { status: 'up' }, slack: { status: 'up' }, state: { status: 'up' } },
    });
  });

  it('turns /readyz 503 naming EM when the simulator stops, and 200 when it is back', async () => {
    await readiness.checkNow();
    expect((await get(`${base}/readyz`)).status).toBe(200);
    const port = Number(new URL(sim.url).port);

    await sim.close();
    await readiness.checkNow();
    const down = await get(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      status: 'not ready',
      down: ['em'],
      checks: {
        em: { status: 'down', reason: 'Enterprise Manager is not reachable' },
        slack: { status: 'up' },
      },
    });
    // The body is for anyone who reaches the port: no EM address, user name or password.
    for (const leak of [
      '127.0.0.1',
      String(port),
      SIM_DEFAULT_CREDENTIALS.username,
      SIM_DEFAULT_CREDENTIALS.password,
    ]) {
      expect(down.text).not.toContain(leak);
    }
    expect((await get(`${base}/healthz`)).status).toBe(200);
    expect(logger.lines).toContainEqual(expect.objectContaining({ msg: 'readiness: down', part: 'em' }));

    // A new simulator on the same port knows nothing of the old session: the check logs on again.
    sim = await startEmSimulator({ port });
    await readiness.checkNow();
    expect(await get(`${base}/readyz`)).toMatchObject({ status: 200, body: { status: 'ready' } });
    expect(logger.lines).toContainEqual(expect.objectContaining({ msg: 'readiness: back up', part: 'em' }));
  });

  it('turns /readyz 503 naming Slack when auth.test is refused', async () => {
    slack.failNext('auth.test', { error: 'invalid_auth' });
    await readiness.checkNow();
    const down = await get(`${base}/readyz`);
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({
      down: ['slack'],
      checks: {
        slack: { status: 'down', reason: 'Slack refused auth.test: invalid_auth' },
        em: { status: 'up' },
      },
    });
    await readiness.checkNow();
    expect((await get(`${base}/readyz`)).status).toBe(200);
  });
});

describe('health server (Socket Mode, HEALTH_PORT)', () => {
  it('serves /healthz, and /readyz 503 naming the state store when its directory is not writable', async () => {
    const missingDir = join(tmpdir(), `veeam-chatops-no-such-dir-${process.pid}`, 'state.json');
    const readiness = new Readiness({ probes: [stateProbe(missingDir)], logger });
    const server = await startHealthServer(healthRoutes(readiness), 0, '127.0.0.1');
    try {
      const base = `http://127.0.0.1:${server.port}`;
      expect((await get(`${base}/healthz`)).status).toBe(200);
      await readiness.checkNow();
      const down = await get(`${base}/readyz`);
      expect(down).toMatchObject({
        status: 503,
        body: {
          down: ['state'],
          checks: { state: { status: 'down', reason: 'the state directory is not writable (ENOENT)' } },
        },
      });
      expect(down.text).not.toContain(missingDir);
      expect((await get(`${base}/slack/events`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });
});
