// Job kinds beyond agents, as real EM serves them (em-api.md fact 15): /jobs (Backup on VMware/HyperV/vCloud,
// Replica, BackupCopy, ImmediateBackupCopy), /nas/jobs, their links, actions, and where their runs appear.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import type { EmSimulator } from '../../src/sim/simulator.js';
import { call, startLoggedOn, stopSimulator } from './sim-http.js';

const JSON_ACCEPT = 'application/json';
const TASK_MS = 1_000;
const RUN_MS = 10_000;

describe('EM simulator job kinds', () => {
  const clock = new ManualClock();
  let sim: EmSimulator;
  let token: string;
  beforeAll(async () => {
    ({ sim, token } = await startLoggedOn(clock, TASK_MS, RUN_MS));
  });
  afterAll(() => stopSimulator(sim));

  const get = async (path: string): Promise<any> => {
    const reply = await call(sim, path, { token, accept: JSON_ACCEPT });
    expect(reply.status, `${path}: ${reply.text}`).toBe(200);
    return reply.json;
  };
  const post = async (path: string): Promise<any> => {
    const reply = await call(sim, path, { method: 'POST', token, accept: JSON_ACCEPT });
    return reply;
  };
  const rels = (entity: any): string[] => entity.Links.map((l: any) => l.Rel);

  it('lists Backup (VMware, HyperV, vCloud), Replica, BackupCopy and ImmediateBackupCopy jobs under /jobs', async () => {
    const jobs = (await get('/jobs?format=Entity')).Jobs;
    const byName = Object.fromEntries(jobs.map((j: any) => [j.Name, `${j.JobType}/${j.Platform}`]));
    expect(byName).toEqual({
      'Fileserver Backup': 'Backup/VMware',
      'Exchange Backup': 'Backup/HyperV',
      'Tenant vApps': 'Backup/vCloud',
      'ERP Replica': 'Replica/VMware',
      'Offsite Copy': 'BackupCopy/VMware',
      'SQL Immediate Copy': 'ImmediateBackupCopy/VMware',
    });
    expect(jobs.every((j: any) => j.Type === 'Job' && j.UID.startsWith('urn:veeam:Job:'))).toBe(true);
    const refs = (await get('/jobs')).Refs;
    expect(refs.map((r: any) => r.Type)).toEqual(Array(6).fill('JobReference'));
    expect((await get(`/jobs/${SIM_JOB_IDS.erpReplica}`)).Type).toBe('JobReference');
  });

  it('gives a job only the action links EM allows: backup copy Syncs, Retry only after a Failed run', async () => {
    const backup = await get(`/jobs/${SIM_JOB_IDS.hvExchange}?format=Entity`);
    expect(rels(backup)).toEqual([
      'Up',
      'Alternate',
      'Start',
      'Stop',
      'ToggleScheduleEnabled',
      'Down',
      'Down',
    ]);
    const copy = await get(`/jobs/${SIM_JOB_IDS.offsiteCopy}?format=Entity`);
    expect(rels(copy)).toContain('Sync');
    expect(rels(copy)).not.toContain('Start');
    expect(copy.Links.find((l: any) => l.Rel === 'Sync').Href).toBe(
      `${sim.url}/jobs/${SIM_JOB_IDS.offsiteCopy}?action=sync`,
    );
    expect((await post(`/jobs/${SIM_JOB_IDS.offsiteCopy}?action=start`)).status).toBe(400);

    sim.addSession({ jobId: SIM_JOB_IDS.hvExchange, state: 'Stopped', result: 'Failed' });
    const failed = await get(`/jobs/${SIM_JOB_IDS.hvExchange}?format=Entity`);
    expect(failed.Links.find((l: any) => l.Rel === 'Retry').Href).toBe(
      `${sim.url}/jobs/${SIM_JOB_IDS.hvExchange}?action=retry`,
    );
    const replica = await get(`/jobs/${SIM_JOB_IDS.erpReplica}?format=Entity`);
    expect(replica.Links.find((l: any) => l.Type === 'ReplicaJobSessionReferenceList').Href).toBe(
      `${sim.url}/jobs/${SIM_JOB_IDS.erpReplica}/replicaSessions`,
    );
  });

  it('syncs a backup copy job with 202 + Task, and its run is a BackupJobSession of JobType BackupCopy', async () => {
    const reply = await post(`/jobs/${SIM_JOB_IDS.offsiteCopy}?action=sync`);
    expect(reply.status).toBe(202);
    expect(reply.json).toMatchObject({ State: 'Running', Operation: 'SyncJob' });
    clock.advance(TASK_MS);
    const task = await get(`/tasks/${reply.json.TaskId}`);
    expect(task).toMatchObject({
      State: 'Finished',
      Result: { Success: true, Message: 'Job "Offsite Copy" triggered to sync.' },
    });
    const [run] = (await get(`/jobs/${SIM_JOB_IDS.offsiteCopy}/backupSessions?format=Entity`))
      .BackupJobSessions;
    expect(run).toMatchObject({ Type: 'BackupJobSession', JobType: 'BackupCopy', State: 'Working' });
    clock.advance(RUN_MS);
    expect((await get(`/backupSessions/${run.UID.split(':').pop()}?format=Entity`)).State).toBe('Stopped');
  });

  it('serves replication runs as ReplicaJobSessions at /replicaSessions, with a Stop link and replica task sessions', async () => {
    const start = await post(`/jobs/${SIM_JOB_IDS.erpReplica}?action=start`);
    expect(start.status).toBe(202);
    clock.advance(TASK_MS);
    const [run] = (await get(`/jobs/${SIM_JOB_IDS.erpReplica}/replicaSessions?format=Entity`))
      .ReplicaJobSessions;
    expect(run).toMatchObject({ Type: 'ReplicaJobSession', JobType: 'Replica', State: 'Working' });
    expect(run.UID).toMatch(/^urn:veeam:ReplicaJobSession:/);
    const id = run.UID.split(':').pop();
    expect(run.Links.find((l: any) => l.Rel === 'Stop').Href).toBe(
      `${sim.url}/replicaSessions/${id}?action=stop`,
    );
    expect((await get('/replicaSessions')).Refs.map((r: any) => r.Type)).toContain(
      'ReplicaJobSessionReference',
    );
    expect((await get('/backupSessions')).Refs.some((r: any) => r.UID.endsWith(id))).toBe(false);
    expect((await get(`/jobs/${SIM_JOB_IDS.erpReplica}/backupSessions`)).Refs).toEqual([]);
    expect((await call(sim, `/backupSessions/${id}`, { token })).status).toBe(404);

    const stop = await post(`/replicaSessions/${id}?action=stop`);
    expect(stop.json.Operation).toBe('StopJobSession');
    clock.advance(TASK_MS);
    expect((await get(`/replicaSessions/${id}?format=Entity`)).Result).toBe('Failed');
    const tasks = (await get(`/replicaSessions/${id}/replicaTaskSessions?format=Entity`)).ReplicaTaskSessions;
    expect(tasks.map((t: any) => [t.Type, t.VmDisplayName, t.Result, t.Reason])).toEqual([
      ['ReplicaTaskSession', 'erp-app01', 'Failed', 'Stopped by user'],
      ['ReplicaTaskSession', 'erp-db01', 'Success', null],
    ]);
  });

  it('serves file share jobs at /nas/jobs, whose runs are BackupJobSessions of JobType NasBackup', async () => {
    const nas = (await get('/nas/jobs?format=Entity')).NASJobs;
    expect(nas.map((j: any) => [j.Type, j.Name])).toEqual([
      ['NasJob', 'Projects Share'],
      ['NasJob', 'HR Share'],
    ]);
    const job = await get(`/nas/jobs/${SIM_JOB_IDS.nasProjects}?format=Entity`);
    expect(job.UID).toBe(`urn:veeam:NasJob:${SIM_JOB_IDS.nasProjects}`);
    expect(rels(job)).toEqual(expect.arrayContaining(['Start', 'Stop', 'ToggleScheduleEnabled']));
    const start = await post(`/nas/jobs/${SIM_JOB_IDS.nasProjects}?action=start`);
    expect(start.status).toBe(202);
    clock.advance(TASK_MS);
    const [run] = (await get(`/nas/jobs/${SIM_JOB_IDS.nasProjects}/backupSessions?format=Entity`))
      .BackupJobSessions;
    expect(run).toMatchObject({ JobType: 'NasBackup', State: 'Working', JobName: 'Projects Share' });
    expect(run.Links.find((l: any) => l.Type === 'JobReference').Href).toBe(
      `${sim.url}/nas/jobs/${SIM_JOB_IDS.nasProjects}`,
    );
    expect((await call(sim, `/jobs/${SIM_JOB_IDS.nasProjects}`, { token })).status).toBe(404);
  });

  it('answers the query types Job, NasJob and ReplicaJobSession', async () => {
    const jobs = await get('/query?type=Job&format=Entities&filter=JobType==BackupCopy');
    expect(jobs.Entities.Jobs.Jobs.map((j: any) => j.Name)).toEqual(['Offsite Copy']);
    const nas = await get('/query?type=NasJob&format=Entities');
    expect(nas.Entities.NASJobs.NASJobs).toHaveLength(2);
    const replicas = await get('/query?type=ReplicaJobSession&format=Entities');
    const sessions = replicas.Entities.ReplicaJobSessions.ReplicaJobSessions;
    expect(sessions.length).toBeGreaterThanOrEqual(1);
    expect(sessions.every((s: any) => s.Type === 'ReplicaJobSession')).toBe(true);
    const backups = await get('/query?type=BackupJobSession&filter=JobType==Replica');
    expect(backups.Refs.Refs).toEqual([]);
  });

  it('adds many jobs of any kind for tests and the bench', async () => {
    const added = sim.addJobs({ count: 3, jobType: 'Replica', prefix: 'DR' });
    expect(added.map((j) => [j.name, j.kind, j.jobType])).toEqual([
      ['DR 001', 'vm', 'Replica'],
      ['DR 002', 'vm', 'Replica'],
      ['DR 003', 'vm', 'Replica'],
    ]);
    const nas = sim.addJob({ name: 'Scans', jobType: 'NasBackup' });
    expect(nas.kind).toBe('nas');
    expect((await get(`/nas/jobs/${nas.id}`)).Name).toBe('Scans');
    const replicaRun = (await get(`/jobs/${added[0]?.id}/replicaSessions`)).Refs;
    expect(replicaRun).toHaveLength(1);
  });
});
