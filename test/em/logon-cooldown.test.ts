// EmClient's logon cool-down against the EM simulator: a rejected password is tried once per cool-down, not per call.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { EmClient } from '../../src/em/client.js';
import { EmError } from '../../src/em/errors.js';
import { FIRST_REFUSAL_BACKOFF_MS } from '../../src/em/refusal-backoff.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import {
  clearFaults,
  emConfig,
  freePort,
  recordingPool,
  rejection,
  TEST_PASSWORD,
  TEST_USER,
} from './em-test-kit.js';

const COOLDOWN_MS = 60_000;
const WRONG_PASSWORD = 'rotated-away-Pa55';
const REJECTED_LOG = 'EM rejected the logon; no new logon attempt until the cool-down ends';

let sim: EmSimulator;
const logger = createMemoryLogger('debug');
const pool = recordingPool();
const clients: EmClient[] = [];

function client(clock: ManualClock, password = TEST_PASSWORD): EmClient {
  const em = new EmClient({
    config: emConfig(sim.url, { password }),
    logger,
    dispatcher: pool.dispatcher,
    clock,
    logonCooldownMs: COOLDOWN_MS,
  });
  clients.push(em);
  return em;
}

/** POST /sessionMngr requests the simulator received, rejected ones included (stats.logons counts successes). */
const logonAttempts = () => sim.stats.byRoute['POST /sessionMngr'] ?? 0;
const rejectionLogs = () => logger.lines.filter((l) => l.msg === REJECTED_LOG);

function expectAuth(err: unknown): EmError {
  expect(err).toBeInstanceOf(EmError);
  expect((err as EmError).kind).toBe('auth');
  return err as EmError;
}

/** Five different calls at once, as the watcher, the monitor and Slack commands would make them. */
function concurrentCalls(em: EmClient): Promise<unknown>[] {
  return [
    em.listTasks(),
    em.getJob(SIM_JOB_IDS.serverBackup, 'agent'),
    em.listJobs(),
    em.getTask('task-1'),
    em.querySessions({}),
  ].map(rejection);
}

beforeAll(async () => {
  sim = await startEmSimulator({ username: TEST_USER, password: TEST_PASSWORD, taskDurationMs: 50 });
});

afterEach(async () => {
  clearFaults(sim);
  await Promise.all(clients.splice(0).map((em) => em.close()));
});

afterAll(async () => {
  await sim.close();
  await pool.close();
  const text = JSON.stringify(logger.lines);
  expect(text).not.toContain(WRONG_PASSWORD);
  expect(text).not.toContain(TEST_PASSWORD);
});

describe('after EM rejects the logon', () => {
  it('sends one logon for concurrent and later calls within the cool-down, all refused as auth', async () => {
    const clock = new ManualClock();
    const em = client(clock, WRONG_PASSWORD);
    const attempts = logonAttempts();
    const requests = sim.stats.requests;
    const logs = rejectionLogs().length;

    const errors = (await Promise.all(concurrentCalls(em))).map(expectAuth);
    clock.advance(COOLDOWN_MS - 1_000);
    for (let i = 0; i < 3; i += 1) errors.push(expectAuth(await rejection(em.listTasks())));

    expect(logonAttempts()).toBe(attempts + 1);
    expect(sim.stats.requests).toBe(requests + 1);
    expect(rejectionLogs()).toHaveLength(logs + 1);
    expect(rejectionLogs().at(-1)?.level).toBe('error');
    const nextAttempt = new Date(Date.parse('2026-01-01T00:00:00Z') + COOLDOWN_MS).toISOString();
    for (const err of errors) {
      expect(err.message).toContain('VEEAM_EM_USERNAME / VEEAM_EM_PASSWORD');
      expect(err.message).toContain("account's EM role");
      expect(err.message).toContain(nextAttempt);
      expect(err.message).not.toContain(WRONG_PASSWORD);
    }
    expect(errors.at(-1)?.message).toContain('another 1 s');
  });

  it('tries again on the first call after the cool-down, and logs that rejection once more', async () => {
    const clock = new ManualClock();
    const em = client(clock, WRONG_PASSWORD);
    const attempts = logonAttempts();
    const logs = rejectionLogs().length;
    expectAuth(await rejection(em.logon()));
    expectAuth(await rejection(em.logon()));
    expect(logonAttempts()).toBe(attempts + 1);

    clock.advance(COOLDOWN_MS);
    (await Promise.all(concurrentCalls(em))).map(expectAuth);
    expect(logonAttempts()).toBe(attempts + 2);
    expect(rejectionLogs()).toHaveLength(logs + 2);
  });

  it('logs on normally once the cool-down is over and EM accepts the logon again', async () => {
    const clock = new ManualClock();
    const em = client(clock);
    const attempts = logonAttempts();
    sim.knobs.forceStatus = { status: 401, count: 1, path: /\/sessionMngr\// };
    expectAuth(await rejection(em.listTasks()));
    expectAuth(await rejection(em.listTasks()));
    expect(logonAttempts()).toBe(attempts + 1);

    clock.advance(COOLDOWN_MS);
    expect(await em.listTasks()).toBeInstanceOf(Array);
    expect(await em.listJobs()).not.toHaveLength(0);
    expect(logonAttempts()).toBe(attempts + 2);
  });

  it('cools down too when the password was rotated under a running session', async () => {
    const clock = new ManualClock();
    const em = client(clock);
    await em.logon();
    const attempts = logonAttempts();
    sim.expireAllLogonSessions();
    sim.knobs.forceStatus = { status: 401, count: 1, path: /\/sessionMngr\// };

    (await Promise.all(concurrentCalls(em))).map(expectAuth);
    expectAuth(await rejection(em.getJob(SIM_JOB_IDS.serverBackup, 'agent')));
    expect(logonAttempts()).toBe(attempts + 1);
  });
});

describe('failures that say nothing about the password start no cool-down', () => {
  const transient = [
    {
      what: 'unreachable (connection dropped)',
      kind: 'unreachable',
      arm: () => (sim.knobs.dropConnections = 1),
    },
    {
      what: 'http 503',
      kind: 'http',
      arm: () => (sim.knobs.forceStatus = { status: 503, count: 1, path: /\/sessionMngr\// }),
    },
    { what: 'timeout', kind: 'timeout', arm: () => (sim.knobs.latencyMs = 1_000) },
  ] as const;

  for (const { what, kind, arm } of transient) {
    it(`${what}: the next call logs on right away`, async () => {
      const clock = new ManualClock();
      const em = new EmClient({
        config: emConfig(sim.url, { timeoutMs: 300 }),
        logger,
        dispatcher: pool.dispatcher,
        clock,
        logonCooldownMs: COOLDOWN_MS,
      });
      clients.push(em);
      const attempts = logonAttempts();
      arm();
      const err = await rejection(em.listTasks());
      expect(err).toBeInstanceOf(EmError);
      expect((err as EmError).kind).toBe(kind);
      sim.knobs.latencyMs = 0;

      expect(await em.listTasks()).toBeInstanceOf(Array);
      expect(logonAttempts()).toBe(attempts + 2);
    });
  }

  it('unreachable: nothing listens, and every call still tries (no cool-down)', async () => {
    const clock = new ManualClock();
    const em = new EmClient({
      config: emConfig(`http://127.0.0.1:${await freePort()}/api`, { timeoutMs: 1_000 }),
      logger,
      dispatcher: pool.dispatcher,
      clock,
      logonCooldownMs: COOLDOWN_MS,
    });
    clients.push(em);
    const from = pool.seen.length;
    for (let i = 0; i < 3; i += 1) {
      const err = await rejection(em.listTasks());
      expect((err as EmError).kind).toMatch(/^(unreachable|timeout)$/);
    }
    expect(pool.seen.slice(from).filter((r) => r.path.startsWith('/api/sessionMngr/'))).toHaveLength(3);
  });

  it('a call still answered 401 after a successful logon (a role problem) leaves logon alone', async () => {
    const clock = new ManualClock();
    const em = client(clock);
    await em.logon();
    const attempts = logonAttempts();
    sim.knobs.forceStatus = { status: 401, count: 2, path: /\/agents\/jobs\// };
    expectAuth(await rejection(em.getJob(SIM_JOB_IDS.serverBackup, 'agent')));
    sim.expireAllLogonSessions();
    // The refusal's own back-off (shorter than this test's logon cool-down) passes; the next logon is not held up.
    clock.advance(FIRST_REFUSAL_BACKOFF_MS);
    expect(await em.listTasks()).toBeInstanceOf(Array);
    expect(logonAttempts()).toBe(attempts + 2);
  });
});
