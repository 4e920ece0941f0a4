// EmClient against the EM simulator over real HTTP: both formats, the logon session, every error kind, ID checks.

import { request } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EmClient, type EmClientOptions } from '../../src/em/client.js';
import { EmError } from '../../src/em/errors.js';
import type { Job } from '../../src/em/types.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { SIM_BACKUP_SERVER, SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { waitFor } from '../support/wait-for.js';
import {
  clearFaults,
  emConfig,
  freePort,
  recordingPool,
  rejection,
  TEST_PASSWORD,
  TEST_USER,
} from './em-test-kit.js';

let sim: EmSimulator;
const logger = createMemoryLogger('debug');
const pool = recordingPool();
const clients: EmClient[] = [];
/** Every X-RestSvcSessionId the clients sent: none may show up in a log line. */
const tokensSeen = () =>
  pool.seen.map((r) => r.headers['x-restsvcsessionid']).filter((t): t is string => typeof t === 'string');

function client(
  overrides: Partial<Omit<EmClientOptions, 'config'>> & { config?: Partial<EmClientOptions['config']> } = {},
): EmClient {
  const { config, ...rest } = overrides;
  const em = new EmClient({
    logger,
    dispatcher: pool.dispatcher,
    ...rest,
    config: emConfig(sim.url, config),
  });
  clients.push(em);
  return em;
}

/** An agent job as EM describes it now (its links are where actions go). */
function agentJob(em: EmClient, id: string): Promise<Job> {
  return em.getJob(id, 'agent');
}

function expectEmError(err: unknown, kind: EmError['kind']): EmError {
  expect(err).toBeInstanceOf(EmError);
  expect((err as EmError).kind).toBe(kind);
  return err as EmError;
}

beforeAll(async () => {
  sim = await startEmSimulator({
    username: TEST_USER,
    password: TEST_PASSWORD,
    taskDurationMs: 50,
    backupDurationMs: 100,
  });
});

afterEach(async () => {
  clearFaults(sim);
  await Promise.all(clients.splice(0).map((em) => em.close()));
});

afterAll(async () => {
  await sim.close();
  await pool.close();
  const text = JSON.stringify(logger.lines);
  expect(text).not.toContain(TEST_PASSWORD);
  expect(text).not.toContain(Buffer.from(`${TEST_USER}:${TEST_PASSWORD}`).toString('base64'));
  for (const token of tokensSeen()) expect(text).not.toContain(token);
  const logoutPaths = pool.seen.filter((r) => r.method === 'DELETE' && r.path.includes('/logonSessions/'));
  expect(logoutPaths.length).toBeGreaterThan(0);
  for (const r of logoutPaths) expect(text).not.toContain(r.path.split('/').pop() as string);
});

describe('reading jobs, sessions and tasks', () => {
  it('reads the seed job the same over XML and over JSON, by GUID and kind or by UID', async () => {
    const fromXml = await agentJob(client({ format: 'xml' }), SIM_JOB_IDS.serverBackup);
    const fromJson = await client({ format: 'json' }).getJob(
      `urn:veeam:AgentBackupJob:${SIM_JOB_IDS.serverBackup}`,
    );
    expect(fromJson).toEqual(fromXml);
    expect(fromJson).toMatchObject({
      kind: 'agent',
      id: SIM_JOB_IDS.serverBackup,
      name: 'Server Backup',
      platform: 'AgentForWindows',
      description: 'Backup of physical server',
      scheduleConfigured: true,
      retention: { retainCycles: 5, retainDaysToKeep: 7, retainLimitType: 'Cycles', gfsEnabled: false },
      includes: [{ id: '51616f00-6107-48a9-95ba-1cee9ed6a86e', name: 'Windows Servers' }],
      backupServer: { id: SIM_BACKUP_SERVER.id, name: SIM_BACKUP_SERVER.name },
    });
    expect(fromJson.links.map((l) => l.rel)).toEqual([
      'Up',
      'Alternate',
      'Down',
      'ToggleScheduleEnabled',
      'Down',
      'Start',
      'Stop',
      'Retry',
    ]);
  });

  it('lists and finds jobs the same in both formats; the name match is exact', async () => {
    const xml = client({ format: 'xml' });
    const json = client({ format: 'json' });
    const [allXml, allJson] = await Promise.all([xml.listJobs(), json.listJobs()]);
    expect(allJson).toEqual(allXml);
    expect(allJson.map((j) => j.name)).toEqual(
      expect.arrayContaining(['Server Backup', 'Server Backup SQL', 'Linux Web Servers', 'Linux DB Servers']),
    );
    expect(allJson.find((j) => j.id === SIM_JOB_IDS.linuxDb)?.scheduleEnabled).toBe(false);

    for (const em of [xml, json]) {
      expect((await em.findJobsByName('Server Backup')).map((j) => j.id)).toEqual([SIM_JOB_IDS.serverBackup]);
      expect(await em.findJobsByName('No "such" job; (really), ok')).toEqual([]);
    }
  });

  it('lists a job’s sessions newest first and queries sessions oldest first, same in both formats', async () => {
    const xml = client({ format: 'xml' });
    const json = client({ format: 'json' });
    const now = Date.now();
    sim.addSession({
      jobId: SIM_JOB_IDS.linuxWeb,
      state: 'Stopped',
      result: 'Failed',
      creationTime: now - 60_000,
      endTime: now - 30_000,
      failureMessage: 'Disk full',
    });
    sim.addSession({
      jobId: SIM_JOB_IDS.linuxWeb,
      state: 'Working',
      result: 'None',
      creationTime: now - 10_000,
    });

    const linuxWeb = await agentJob(json, SIM_JOB_IDS.linuxWeb);
    const sessions = await json.listJobSessions(linuxWeb);
    expect(sessions.length).toBeGreaterThanOrEqual(3);
    const times = sessions.map((s) => Date.parse(s.creationTime));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    expect(sessions[0]?.state).toBe('Working');
    expect(await xml.listJobSessions(await agentJob(xml, SIM_JOB_IDS.linuxWeb))).toEqual(sessions);

    const failed = await json.querySessions({ results: ['Failed'], endedSince: new Date(now - 120_000) });
    // As recorded on real EM (em-api.md fact 12): FailureMessage is null; the reason is on the task sessions.
    const ours = failed.find(
      (s) => s.jobId === SIM_JOB_IDS.linuxWeb && Date.parse(s.creationTime) === now - 60_000,
    );
    expect(ours?.failureMessage).toBeUndefined();
    const reasons = await json.listTaskSessions(ours as NonNullable<typeof ours>);
    expect(reasons.map((t) => t.reason)).toContain('Disk full');
    expect(failed.every((s) => s.result === 'Failed')).toBe(true);
    expect(await xml.querySessions({ results: ['Failed'], endedSince: new Date(now - 120_000) })).toEqual(
      failed,
    );

    const recent = await json.querySessions({
      createdSince: new Date(now - 120_000),
      results: ['Failed', 'None'],
    });
    const recentTimes = recent.map((s) => Date.parse(s.creationTime));
    expect([...recentTimes].sort((a, b) => a - b)).toEqual(recentTimes);
    expect(recent.length).toBeGreaterThanOrEqual(2);

    const one = sessions[0];
    if (!one) throw new Error('no session');
    expect(await xml.getSession(one.id)).toEqual(await json.getSession(one.uid));
  });

  it('starts a job, follows its Task to Finished, lists and cancels Tasks', async () => {
    const em = client();
    const task = await em.runJobAction(await agentJob(em, SIM_JOB_IDS.serverBackupSql), 'start');
    expect(task.id).toMatch(/^task-\d+$/);
    expect(task.state).toBe('Running');
    expect(task.result).toBeUndefined();
    const done = await waitFor(
      async () => {
        const t = await em.getTask(task.id);
        return t.state === 'Finished' && t;
      },
      { what: 'the Task to finish', timeoutMs: 5_000 },
    );
    expect(done.result?.success).toBe(true);
    expect(done.result?.message).toContain('Server Backup SQL');
    expect((await em.listTasks()).map((t) => t.id)).toContain(task.id);

    const xmlTasks = await client({ format: 'xml' }).listTasks();
    expect(xmlTasks.map((t) => t.id)).not.toContain(task.id); // Tasks belong to their logon session (fact 7)

    const toggle = await em.runJobAction(
      await agentJob(em, SIM_JOB_IDS.workstations),
      'toggleScheduleEnabled',
    );
    await em.cancelTask(toggle.id);
  });

  it('toggles the schedule: EM flips it, we read it before and after', async () => {
    const em = client({ format: 'xml' });
    const job = await agentJob(em, SIM_JOB_IDS.linuxDb);
    const before = job.scheduleEnabled;
    const task = await em.runJobAction(job, 'toggleScheduleEnabled');
    expect(task.operation).toBe('UpdateJob');
    await waitFor(async () => (await em.getTask(task.id)).state === 'Finished', {
      what: 'the toggle Task',
      timeoutMs: 5_000,
    });
    expect((await agentJob(em, SIM_JOB_IDS.linuxDb)).scheduleEnabled).toBe(!before);
    await em.runJobAction(job, 'toggleScheduleEnabled');
    await waitFor(async () => (await agentJob(em, SIM_JOB_IDS.linuxDb)).scheduleEnabled === before, {
      what: 'the flip back',
      timeoutMs: 5_000,
    });
  });

  it('sends exactly one Accept value, the token as a header, no cookie, credentials only to logon', async () => {
    const from = pool.seen.length;
    const em = client({ format: 'xml' });
    await agentJob(em, SIM_JOB_IDS.serverBackup);
    await em.listTasks();
    const seen = pool.seen.slice(from);
    expect(seen.map((r) => `${r.method} ${r.path.replace(/\?.*/, '')}`)).toEqual([
      'POST /api/sessionMngr/',
      `GET /api/agents/jobs/${SIM_JOB_IDS.serverBackup}`,
      'GET /api/tasks',
    ]);
    for (const r of seen) {
      expect(r.headers.accept).toBe('application/xml');
      expect(r.headers.cookie).toBeUndefined();
    }
    expect(seen[0]?.headers.authorization).toMatch(/^Basic /);
    expect(seen[0]?.path).toBe('/api/sessionMngr/?v=latest');
    for (const r of seen.slice(1)) {
      expect(r.headers.authorization).toBeUndefined();
      expect(typeof r.headers['x-restsvcsessionid']).toBe('string');
    }
  });
});

describe('the logon session', () => {
  it('logs on again once after the session expired, shared by concurrent calls', async () => {
    const em = client();
    const serverBackup = await agentJob(em, SIM_JOB_IDS.serverBackup);
    const logons = sim.stats.logons;
    sim.expireAllLogonSessions();
    const results = await Promise.all([
      agentJob(em, SIM_JOB_IDS.serverBackup),
      em.getJob(SIM_JOB_IDS.linuxWeb),
      em.listJobs(),
      em.listTasks(),
      em.listJobSessions(serverBackup),
    ]);
    expect(results).toHaveLength(5);
    expect(sim.stats.logons).toBe(logons + 1);
    await agentJob(em, SIM_JOB_IDS.linuxDb);
    expect(sim.stats.logons).toBe(logons + 1);
  });

  it('gives up with EmError auth when a call is still 401 right after a fresh logon', async () => {
    const em = client();
    await em.logon();
    const logons = sim.stats.logons;
    sim.knobs.forceStatus = { status: 401, count: 2, path: /\/agents\/jobs\// };
    const err = expectEmError(await rejection(agentJob(em, SIM_JOB_IDS.serverBackup)), 'auth');
    expect(err.status).toBe(401);
    expect(sim.stats.logons).toBe(logons + 1);
  });

  it('rejects a wrong password with EmError auth telling the operator what to fix', async () => {
    const em = client({ config: { password: 'wrong-password' } });
    const err = expectEmError(await rejection(em.listTasks()), 'auth');
    expect(err.message).toContain('VEEAM_EM_USERNAME / VEEAM_EM_PASSWORD');
    expect(err.message).not.toContain('wrong-password');
    expect(err.request).toBe('POST /sessionMngr/?v=latest');
  });

  it('logs out with DELETE /logonSessions/{SessionId}; the old token then stops working', async () => {
    const em = client();
    await agentJob(em, SIM_JOB_IDS.serverBackup);
    const token = tokensSeen().at(-1) as string;
    const before = await request(`${sim.url}/tasks`, {
      dispatcher: pool.dispatcher,
      headers: { accept: 'application/json', 'x-restsvcsessionid': token },
    });
    await before.body.dump();
    expect(before.statusCode).toBe(200);

    const from = pool.seen.length;
    await em.logout();
    const sent = pool.seen.slice(from);
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe('DELETE');
    expect(sent[0]?.path).toMatch(/^\/api\/logonSessions\/[0-9a-f-]{36}$/);
    expect(sent[0]?.path).not.toContain(encodeURIComponent(token));

    const after = await request(`${sim.url}/tasks`, {
      dispatcher: pool.dispatcher,
      headers: { accept: 'application/json', 'x-restsvcsessionid': token },
    });
    await after.body.dump();
    expect(after.statusCode).toBe(401);

    const logons = sim.stats.logons;
    await em.listTasks();
    expect(sim.stats.logons).toBe(logons + 1);
    await em.logout();
    await em.logout(); // twice is harmless
  });
});

describe('errors', () => {
  it('unreachable: nothing listens on the port', async () => {
    const port = await freePort();
    const em = client({ config: { url: `http://127.0.0.1:${port}/api` } });
    const err = expectEmError(await rejection(agentJob(em, SIM_JOB_IDS.serverBackup)), 'unreachable');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('timeout: EM answers slower than timeoutMs', async () => {
    const em = client({ config: { timeoutMs: 300 } });
    await em.logon();
    sim.knobs.latencyMs = 2_000;
    const err = expectEmError(await rejection(em.listTasks()), 'timeout');
    expect(err.message).toContain('300 ms');
    expect(err.request).toBe('GET /tasks');
  });

  for (const format of ['xml', 'json'] as const) {
    it(`http 404 carries EM's own Message (${format})`, async () => {
      const em = client({ format });
      const err = expectEmError(
        await rejection(agentJob(em, '00000000-0000-4000-8000-000000000000')),
        'http',
      );
      expect(err.status).toBe(404);
      expect(err.emMessage).toBeTruthy();
      expect(err.message).toContain(err.emMessage as string);
      expect(err.request).toBe('GET /agents/jobs/00000000-0000-4000-8000-000000000000?format=Entity');
    });
  }

  it('http 500 forced by the simulator, with its message', async () => {
    const em = client();
    const job = await agentJob(em, SIM_JOB_IDS.serverBackup);
    sim.knobs.forceStatus = { status: 500, count: 1, message: 'The backup server is in maintenance' };
    const err = expectEmError(await rejection(em.runJobAction(job, 'start')), 'http');
    expect(err.status).toBe(500);
    expect(err.emMessage).toBe('The backup server is in maintenance');
    expect(err.request).toBe(`POST /agents/jobs/${SIM_JOB_IDS.serverBackup}?action=start`);
  });

  for (const format of ['xml', 'json'] as const) {
    it(`parse: a truncated body (${format})`, async () => {
      const em = client({ format });
      await em.logon();
      sim.knobs.malformedBodies = 1;
      const err = expectEmError(await rejection(agentJob(em, SIM_JOB_IDS.serverBackup)), 'parse');
      expect(err.request).toBe(`GET /agents/jobs/${SIM_JOB_IDS.serverBackup}?format=Entity`);
    });
  }

  it('unreachable: EM drops the connection without answering', async () => {
    const em = client();
    await em.logon();
    sim.knobs.dropConnections = 1;
    expectEmError(await rejection(em.listTasks()), 'unreachable');
    expect(await em.listTasks()).toBeInstanceOf(Array);
  });

  it('refuses bad IDs without sending anything', async () => {
    const em = client();
    const job = await agentJob(em, SIM_JOB_IDS.serverBackup);
    const [session] = await em.listJobSessions(job);
    if (!session) throw new Error('no session');
    const bad = [
      '../x',
      'a/b',
      '%2F',
      '?x',
      '',
      'x'.repeat(4_000),
      `${SIM_JOB_IDS.serverBackup}/../x`,
      'task-1/../x',
    ];
    const requests = sim.stats.requests;
    const calls: ((id: string) => Promise<unknown>)[] = [
      (id) => em.getJob(id),
      (id) => em.getJob(id, 'agent'),
      (id) => em.stopSession({ ...session, id }),
      (id) => em.listJobSessions({ ...job, id }),
      (id) => em.listTaskSessions({ ...session, id }),
      (id) => em.getSession(id),
      (id) => em.getSession(id, 'replica'),
      (id) => em.getTask(id),
      (id) => em.cancelTask(id),
      (id) => em.deleteFinishedTask(id),
    ];
    for (const call of calls) {
      for (const id of bad) {
        const err = expectEmError(await rejection(call(id)), 'invalid-id');
        expect(err.message.length).toBeLessThan(300);
      }
    }
    expect(sim.stats.requests).toBe(requests);
  });
});
