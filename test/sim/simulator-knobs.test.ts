import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { agent, call, logon } from './sim-http.js';

describe('EM simulator knobs', () => {
  const clock = new ManualClock();
  let sim: EmSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startEmSimulator({ clock, taskDurationMs: 50, backupDurationMs: 80, random: () => 0.5 });
    ({ token } = await logon(sim));
  });
  afterAll(async () => {
    await sim.close();
    await agent.close();
  });

  it('latencyMs delays every answer by at least that long', async () => {
    sim.knobs.latencyMs = 120;
    try {
      const started = Date.now();
      expect((await call(sim, '/tasks', { token })).status).toBe(200);
      expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    } finally {
      sim.knobs.latencyMs = 0;
    }
  });

  it('forceStatus answers the next N matching requests with that status and an Error body, then clears', async () => {
    sim.knobs.forceStatus = { status: 503, count: 2, path: /\/tasks$/, message: 'EM is in maintenance' };
    expect((await call(sim, `/agents/jobs/${SIM_JOB_IDS.serverBackup}`, { token })).status).toBe(200);
    const first = await call(sim, '/tasks', { token, accept: 'application/json' });
    expect(first.status).toBe(503);
    expect(first.json).toMatchObject({
      Message: 'EM is in maintenance',
      StatusCode: 503,
      Status: 'ServiceUnavailable',
    });
    expect((await call(sim, '/tasks', { token })).status).toBe(503);
    expect((await call(sim, '/tasks', { token })).status).toBe(200);
    expect(sim.knobs.forceStatus).toBeUndefined();
  });

  it('malformedBodies truncates the next N bodies (with a matching Content-Length)', async () => {
    sim.knobs.malformedBodies = 1;
    const broken = await call(sim, '/tasks', { token });
    expect(broken.status).toBe(200);
    expect(Number(broken.headers['content-length'])).toBe(broken.raw.length);
    expect(broken.text.endsWith('</Tasks>') || broken.text.endsWith('/>')).toBe(false);
    const whole = await call(sim, '/tasks', { token });
    expect(whole.text.endsWith('/>') || whole.text.endsWith('</Tasks>')).toBe(true);
  });

  it('dropConnections destroys the next N sockets without an answer', async () => {
    sim.knobs.dropConnections = 1;
    await expect(call(sim, '/tasks', { token })).rejects.toThrow();
    expect((await call(sim, '/tasks', { token })).status).toBe(200);
  });

  it('failureRate and warningRate decide run results (with the injected random)', async () => {
    const runResult = async (): Promise<string> => {
      const start = await call(sim, `/agents/jobs/${SIM_JOB_IDS.workstations}?action=start`, {
        method: 'POST',
        token,
        accept: 'application/json',
      });
      expect(start.status).toBe(202);
      // The run starts at half the Task's time and lasts backupDurationMs.
      clock.advance(sim.knobs.taskDurationMs + sim.knobs.backupDurationMs);
      sim.tick();
      const run = sim
        .listSessions()
        .filter((x) => x.jobId === SIM_JOB_IDS.workstations && x.jobType === 'AgentBackup')
        .at(-1);
      expect(run?.state).toBe('Stopped');
      return run?.result as string;
    };
    // random() is 0.5: below failureRate → Failed; below failure+warning → Warning; else Success.
    sim.knobs.failureRate = 0.6;
    expect(await runResult()).toBe('Failed');
    sim.knobs.failureRate = 0.2;
    sim.knobs.warningRate = 0.4;
    expect(await runResult()).toBe('Warning');
    sim.knobs.failureRate = 0;
    sim.knobs.warningRate = 0;
    expect(await runResult()).toBe('Success');
  });

  it('counts requests, logons and per-route calls with IDs templated', async () => {
    const before = { ...sim.stats.byRoute };
    const requests = sim.stats.requests;
    const logons = sim.stats.logons;
    await logon(sim);
    await call(sim, '/tasks', { token });
    await call(sim, '/tasks/task-1', { token });
    await call(sim, `/agents/jobs/${SIM_JOB_IDS.serverBackup}?action=toggleScheduleEnabled`, {
      method: 'POST',
      token,
    });
    expect(sim.stats.requests).toBe(requests + 4);
    expect(sim.stats.logons).toBe(logons + 1);
    const delta = (key: string) => (sim.stats.byRoute[key] ?? 0) - (before[key] ?? 0);
    expect(delta('GET /tasks')).toBe(1);
    expect(delta('GET /tasks/{id}')).toBe(1);
    expect(delta('POST /agents/jobs/{id}')).toBe(1);
    expect(delta('POST /sessionMngr')).toBe(1);
  });
});

describe('EM simulator over HTTPS', () => {
  it('serves the API with the given certificate', async () => {
    const fixtures = new URL('../fixtures/tls/', import.meta.url);
    const sim = await startEmSimulator({
      tls: {
        key: readFileSync(new URL('server.key', fixtures), 'utf8'),
        cert: readFileSync(new URL('server.pem', fixtures), 'utf8'),
      },
    });
    const tlsAgent = new Agent({
      keepAliveTimeout: 10,
      keepAliveMaxTimeout: 10,
      connect: { ca: readFileSync(new URL('ca.pem', fixtures), 'utf8') },
    });
    try {
      expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/api$/);
      const res = await request(`${sim.url}/`, { dispatcher: tlsAgent });
      expect(res.statusCode).toBe(200);
      expect(await res.body.text()).toContain('<EnterpriseManager');
    } finally {
      await tlsAgent.close();
      await sim.close();
    }
  });
});
