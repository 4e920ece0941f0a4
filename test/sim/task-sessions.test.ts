// Why a run failed, as real EM says it (em-api.md facts 12 and 13): FailureMessage null on Failed and Warning
// sessions, the reason on task sessions (BackupTaskSession.Reason per machine/VM), and JSON Entities answers
// with the recording's ~50 sibling keys all null but the one holding items.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { RECORDED_ENTITIES_KEYS } from '../../src/sim/query-result.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import type { EmSimulator } from '../../src/sim/simulator.js';
import { call, startLoggedOn, stopSimulator } from './sim-http.js';

const TASK_MS = 1_000;
const RUN_MS = 60_000;

describe('EM simulator task sessions and failure reasons', () => {
  const clock = new ManualClock();
  let sim: EmSimulator;
  let token: string;
  beforeAll(async () => {
    ({ sim, token } = await startLoggedOn(clock, TASK_MS, RUN_MS));
  });
  afterAll(() => stopSimulator(sim));

  const get = async (path: string): Promise<any> => {
    const reply = await call(sim, path, { token, accept: 'application/json' });
    expect(reply.status, reply.text).toBe(200);
    return reply.json;
  };

  it('leaves FailureMessage null on a Failed run and puts the reason on the failing VM task session', async () => {
    sim.setNextRunOutcome(SIM_JOB_IDS.vmFileserver, {
      result: 'Failed',
      message: 'Error: VM fs01 snapshot failed',
    });
    const start = await call(sim, `/jobs/${SIM_JOB_IDS.vmFileserver}?action=start`, {
      method: 'POST',
      token,
    });
    expect(start.status).toBe(202);
    clock.advance(TASK_MS / 2);
    const [working] = (await get(`/jobs/${SIM_JOB_IDS.vmFileserver}/backupSessions?format=Entity`))
      .BackupJobSessions;
    const id = working.UID.split(':').pop();
    const running = (await get(`/backupSessions/${id}/taskSessions?format=Entity`)).BackupTaskSessions;
    expect(running.map((t: any) => [t.State, t.Result])).toEqual([
      ['InProgress', 'None'],
      ['InProgress', 'None'],
    ]);

    clock.advance(RUN_MS);
    const session = await get(`/backupSessions/${id}?format=Entity`);
    expect(session).toMatchObject({ State: 'Stopped', Result: 'Failed', FailureMessage: null });
    const down = session.Links.find((l: any) => l.Type === 'BackupTaskSessionReferenceList');
    expect(down.Href).toBe(`${sim.url}/backupSessions/${id}/taskSessions`);
    const tasks = (await get(`/backupSessions/${id}/taskSessions?format=Entity`)).BackupTaskSessions;
    expect(tasks).toHaveLength(2);
    expect(tasks[0]).toMatchObject({
      Type: 'BackupTaskSession',
      VmDisplayName: 'fs01',
      State: 'Completed',
      Result: 'Failed',
      Reason: 'Error: VM fs01 snapshot failed',
      JobSessionUid: `urn:veeam:BackupJobSession:${id}`,
    });
    expect(tasks[0].Name).toMatch(/^fs01@\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(tasks[1]).toMatchObject({ VmDisplayName: 'fs02', Result: 'Success', Reason: null });
    const refs = (await get(`/backupSessions/${id}/taskSessions`)).Refs;
    expect(refs.map((r: any) => r.Type)).toEqual([
      'BackupTaskSessionReference',
      'BackupTaskSessionReference',
    ]);
    const one = await get(`/backupTaskSessions/${tasks[0].UID.split(':').pop()}?format=Entity`);
    expect(one.Reason).toBe('Error: VM fs01 snapshot failed');
    const ref = await call(sim, `/backupTaskSessions/${tasks[0].UID.split(':').pop()}`, { token });
    expect(ref.text).toMatch(/^<EntityRef xmlns="[^"]+" Type="BackupTaskSessionReference" /);
  });

  it('does the same for a Warning agent run: one task session per machine, the reason on the first', async () => {
    const s = sim.addSession({ jobId: SIM_JOB_IDS.serverBackup, state: 'Working' });
    sim.finishSession(s.id, { result: 'Warning', message: 'Warning: disk almost full' });
    const xml = await call(sim, `/backupSessions/${s.id}?format=Entity`, { token });
    expect(xml.text).toContain('<FailureMessage />');
    const tasks = (await get(`/backupSessions/${s.id}/taskSessions?format=Entity`)).BackupTaskSessions;
    expect(tasks.map((t: any) => [t.VmDisplayName, t.Result, t.Reason])).toEqual([
      ['srv-app01.tech.local', 'Warning', 'Warning: disk almost full'],
      ['srv-app02.tech.local', 'Success', null],
    ]);
    expect(sim.listSessions().find((v) => v.id === s.id)?.failureMessage).toBe('Warning: disk almost full');
  });

  it('can still put the reason in FailureMessage when a test asks for it (failureMessageOnSessions)', async () => {
    sim.knobs.failureMessageOnSessions = true;
    try {
      const s = sim.addSession({
        jobId: SIM_JOB_IDS.linuxDb,
        state: 'Stopped',
        result: 'Failed',
        failureMessage: 'Error: x',
      });
      expect((await get(`/backupSessions/${s.id}?format=Entity`)).FailureMessage).toBe('Error: x');
    } finally {
      sim.knobs.failureMessageOnSessions = false;
    }
  });

  it('answers JSON Entities with the recorded sibling keys, all null but the one holding items', async () => {
    const result = await get('/query?type=BackupJobSession&format=Entities&filter=Result%3D%3DFailed');
    expect(Object.keys(result)).toEqual(['Refs', 'Entities', 'Resources', 'Links', 'PagingInfo']);
    expect(result.Refs).toBeNull();
    const keys = Object.keys(result.Entities);
    expect(keys).toEqual(RECORDED_ENTITIES_KEYS);
    expect(keys.length).toBe(50);
    const filled = keys.filter((k) => result.Entities[k] !== null);
    expect(filled).toEqual(['BackupJobSessions']);
    expect(result.Entities.BackupJobSessions.BackupJobSessions.length).toBeGreaterThanOrEqual(1);
    const agents = await get('/query?type=AgentBackupJob&format=Entities');
    expect(Object.keys(agents.Entities).filter((k) => agents.Entities[k] !== null)).toEqual([
      'AgentBackupJob',
    ]);
    expect(agents.Entities.AgentBackupJob.AgentBackupJobs).toHaveLength(5);
    expect(agents.Entities.NASJobs).toBeNull();
  });
});
