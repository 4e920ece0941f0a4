// EM takes the logon but answers 401 to every request after it (an account without the right EM role): the client
// ends each session it gives up on, backs off before logging on again, and says what happened. Through the real
// EmClient against the simulator's refuseAfterLogon knob; the back-off moves with a ManualClock.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { EmClient } from '../../src/em/client.js';
import { describeEmError, EmError } from '../../src/em/errors.js';
import { FIRST_REFUSAL_BACKOFF_MS } from '../../src/em/refusal-backoff.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { clearFaults, emConfig, recordingPool, rejection, TEST_PASSWORD, TEST_USER } from './em-test-kit.js';

let sim: EmSimulator;
const logger = createMemoryLogger('debug');
const pool = recordingPool();
const clients: EmClient[] = [];

function client(clock: ManualClock): EmClient {
  const em = new EmClient({ config: emConfig(sim.url), logger, dispatcher: pool.dispatcher, clock });
  clients.push(em);
  return em;
}

const logouts = () => sim.stats.byRoute['DELETE /logonSessions/{id}'] ?? 0;

function expectRefused(err: unknown): EmError {
  expect(err).toBeInstanceOf(EmError);
  const error = err as EmError;
  expect(error.kind).toBe('auth');
  expect(error.reason).toBe('refused-after-logon');
  expect(error.status).toBe(401);
  return error;
}

beforeAll(async () => {
  sim = await startEmSimulator({ username: TEST_USER, password: TEST_PASSWORD });
});

afterEach(async () => {
  clearFaults(sim);
  sim.knobs.refuseAfterLogon = 0;
  await Promise.all(clients.splice(0).map((em) => em.close()));
});

afterAll(async () => {
  await sim.close();
  await pool.close();
});

describe('401 to every request after a good logon', () => {
  it('ends the stale session before each re-logon, so EM never holds more than one of ours', async () => {
    const clock = new ManualClock();
    const em = client(clock);
    await em.logon();
    const live = sim.liveLogonSessions();
    const logons = sim.stats.logons;
    const deleted = logouts();
    sim.knobs.refuseAfterLogon = 1_000;

    expectRefused(await rejection(em.listTasks()));
    expect(sim.stats.logons).toBe(logons + 1);
    expect(logouts()).toBe(deleted + 1);
    expect(sim.liveLogonSessions()).toBe(live);

    for (let round = 1; round <= 4; round += 1) {
      clock.advance(10 * 60_000);
      expectRefused(await rejection(em.getJob(SIM_JOB_IDS.serverBackup, 'agent')));
      expect(sim.stats.logons).toBe(logons + 1 + round);
      expect(logouts()).toBe(deleted + 1 + round);
      expect(sim.liveLogonSessions()).toBe(live);
    }
  });

  it('backs off: calls meanwhile fail at once without a new logon; after the pause one re-logon, doubling', async () => {
    const clock = new ManualClock();
    const em = client(clock);
    await em.logon();
    sim.knobs.refuseAfterLogon = 1_000;
    const first = expectRefused(await rejection(em.listTasks()));
    const logons = sim.stats.logons;
    const requests = sim.stats.requests;

    const meanwhile = await Promise.all([em.listTasks(), em.listJobs(), em.getTask('task-1')].map(rejection));
    for (const err of meanwhile) expectRefused(err);
    expect(sim.stats.logons).toBe(logons);
    // Each request went once with the session it has (EM may have taken the role back meanwhile), no more:
    // listTasks and getTask one each, listJobs its three query types at once.
    expect(sim.stats.requests).toBe(requests + 5);

    clock.advance(FIRST_REFUSAL_BACKOFF_MS);
    expectRefused(await rejection(em.listTasks()));
    expect(sim.stats.logons).toBe(logons + 1);
    // The second refusal in a row waits twice as long.
    clock.advance(FIRST_REFUSAL_BACKOFF_MS);
    expectRefused(await rejection(em.listTasks()));
    expect(sim.stats.logons).toBe(logons + 1);
    clock.advance(FIRST_REFUSAL_BACKOFF_MS);
    expectRefused(await rejection(em.listTasks()));
    expect(sim.stats.logons).toBe(logons + 2);
    expect(first.message).toContain('accepted the logon');
  });

  it('tells the user EM took the logon but refused the request, not that the logon was rejected', async () => {
    const clock = new ManualClock();
    const em = client(clock);
    await em.logon();
    sim.knobs.refuseAfterLogon = 1_000;
    const err = expectRefused(await rejection(em.listTasks()));
    const text = describeEmError(err);
    expect(text).toContain("accepted the bot's logon but refused the request");
    expect(text).toContain("EM account's role");
    expect(text).not.toContain('rejected');
    expect(err.message).not.toContain(TEST_PASSWORD);
  });

  it('works again, on the session it has, once EM takes requests again', async () => {
    const clock = new ManualClock();
    const em = client(clock);
    await em.logon();
    sim.knobs.refuseAfterLogon = 1_000;
    expectRefused(await rejection(em.listTasks()));
    const logons = sim.stats.logons;
    sim.knobs.refuseAfterLogon = 0;
    expect(await em.listTasks()).toEqual([]);
    expect(sim.stats.logons).toBe(logons);
    // The back-off is over: a later expiry re-logs on at once, as usual.
    sim.expireAllLogonSessions();
    expect(await em.listTasks()).toEqual([]);
    expect(sim.stats.logons).toBe(logons + 1);
  });
});
