// One deadline for the whole EM request and a byte cap on EM's answer, through the real EmClient against the
// simulator's trickleBody and oversizedBody knobs. Short deadlines and small caps keep these tests quick.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmClient } from '../../src/em/client.js';
import { describeEmError, EmError } from '../../src/em/errors.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { clearFaults, emConfig, recordingPool, rejection, TEST_PASSWORD, TEST_USER } from './em-test-kit.js';

let sim: EmSimulator;
const logger = createMemoryLogger('debug');
const pool = recordingPool();
const clients: EmClient[] = [];
const DEADLINE_MS = 300;
const CAP_BYTES = 64 * 1024;

function client(): EmClient {
  const config = emConfig(sim.url, { timeoutMs: DEADLINE_MS, maxBodyBytes: CAP_BYTES });
  const em = new EmClient({ logger, dispatcher: pool.dispatcher, config });
  clients.push(em);
  return em;
}

function expectKind(err: unknown, kind: EmError['kind']): EmError {
  expect(err).toBeInstanceOf(EmError);
  expect((err as EmError).kind).toBe(kind);
  return err as EmError;
}

beforeAll(async () => {
  sim = await startEmSimulator({ username: TEST_USER, password: TEST_PASSWORD });
});

afterEach(async () => {
  clearFaults(sim);
  sim.knobs.trickleBody = undefined;
  sim.knobs.oversizedBody = undefined;
  await Promise.all(clients.splice(0).map((em) => em.close()));
});

afterAll(async () => {
  await sim.close();
  await pool.close();
});

describe('the whole request runs under VEEAM_EM_TIMEOUT_MS', () => {
  it('a body that trickles (never a long gap, far too long in all) is a timeout at the deadline', async () => {
    const em = client();
    await em.logon();
    // ~12 KB in 100-byte chunks 40 ms apart: over 4 s in all, no gap near the 300 ms deadline.
    sim.knobs.trickleBody = { count: 1, path: /\/agents\/jobs\//, chunkBytes: 100, intervalMs: 40 };
    const started = Date.now();
    const err = expectKind(await rejection(em.getJob(SIM_JOB_IDS.serverBackup, 'agent')), 'timeout');
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE_MS - 20);
    expect(elapsed).toBeLessThan(1_500);
    expect(err.message).toContain(`${DEADLINE_MS} ms`);
    expect(err.message).toContain('whole request');
    expect(err.request).toBe(`GET /agents/jobs/${SIM_JOB_IDS.serverBackup}?format=Entity`);
    // The next call is not held up by the abandoned one.
    expect((await em.getJob(SIM_JOB_IDS.serverBackup, 'agent')).id).toBe(SIM_JOB_IDS.serverBackup);
  });

  it('a trickle that ends before the deadline is read whole', async () => {
    const em = client();
    await em.logon();
    sim.knobs.trickleBody = { count: 1, path: /\/tasks$/, chunkBytes: 4, intervalMs: 10 };
    expect(await em.listTasks()).toEqual([]);
  });
});

describe('an answer over VEEAM_EM_MAX_BODY_BYTES is refused unread', () => {
  it('when its Content-Length says so', async () => {
    const em = client();
    await em.logon();
    sim.knobs.oversizedBody = { count: 1, path: /\/tasks$/, bytes: 1024 * 1024 };
    const err = expectKind(await rejection(em.listTasks()), 'too-large');
    expect(err.message).toContain(`${CAP_BYTES} bytes`);
    expect(err.message).toContain('VEEAM_EM_MAX_BODY_BYTES');
    expect(err.status).toBe(200);
    expect(describeEmError(err)).toContain('larger than the bot accepts');
    expect(await em.listTasks()).toEqual([]);
  });

  it('when it comes chunked without a length, counted as it arrives', async () => {
    const em = client();
    await em.logon();
    sim.knobs.oversizedBody = { count: 1, path: /\/query\?/, bytes: 4 * 1024 * 1024, chunked: true };
    expectKind(await rejection(em.listJobs()), 'too-large');
    expect((await em.listJobs()).length).toBeGreaterThan(0);
  });

  it('an answer just under the cap is read', async () => {
    const em = client();
    await em.logon();
    sim.knobs.oversizedBody = { count: 1, path: /\/tasks$/, bytes: CAP_BYTES - 10, chunked: true };
    expect(await em.listTasks()).toEqual([]);
  });
});
