import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FilterError, parseFilter } from '../../src/sim/query-filter.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { agent, call, logon } from './sim-http.js';

describe('EM filter language parser', () => {
  it('parses quoted values with doubled inner quotes', () => {
    expect(parseFilter('Name=="Say ""hi"" now"')).toEqual({
      kind: 'cmp',
      field: 'Name',
      op: '==',
      value: 'Say "hi" now',
    });
  });

  it('binds ; (AND) tighter than , (OR) and honours parentheses', () => {
    expect(parseFilter('a==1;b==2,c==3')).toEqual({
      kind: 'or',
      items: [
        {
          kind: 'and',
          items: [
            { kind: 'cmp', field: 'a', op: '==', value: '1' },
            { kind: 'cmp', field: 'b', op: '==', value: '2' },
          ],
        },
        { kind: 'cmp', field: 'c', op: '==', value: '3' },
      ],
    });
    expect(parseFilter('a==1;(b>=2,c!=3)')).toMatchObject({
      kind: 'and',
      items: [{ field: 'a' }, { kind: 'or' }],
    });
  });

  it('drops spaces from unquoted values like EM', () => {
    expect(parseFilter('Name==Server Backup')).toMatchObject({ value: 'ServerBackup' });
  });

  it.each(['Name', 'Name="x"', 'Name=="x', '(Name==x', 'Name==x)', '==x', 'Name==x;', 'Name=="a"b'])(
    'rejects %s',
    (text) => {
      expect(() => parseFilter(text)).toThrow(FilterError);
    },
  );
});

describe('GET /query over the simulator', () => {
  let sim: EmSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startEmSimulator({ taskDurationMs: 50, backupDurationMs: 100 });
    ({ token } = await logon(sim));
  });
  afterAll(async () => {
    await sim.close();
    await agent.close();
  });

  async function query(params: Record<string, string>): Promise<any> {
    const reply = await call(sim, `/query?${new URLSearchParams(params).toString()}`, {
      token,
      accept: 'application/json',
    });
    if (reply.status !== 200) return reply;
    return reply.json;
  }

  it('finds an agent job by quoted name, case-insensitively, as Entities', async () => {
    const result = await query({
      type: 'AgentBackupJob',
      format: 'Entities',
      filter: 'name=="server BACKUP"',
    });
    // JSON wrapper names: see the comment at the top of src/sim/query-service.ts.
    const jobs = result.Entities.AgentBackupJob.AgentBackupJobs;
    expect(jobs.map((j: any) => j.Name)).toEqual(['Server Backup']);
    expect(jobs[0].UID).toBe(`urn:veeam:AgentBackupJob:${SIM_JOB_IDS.serverBackup}`);
    expect(result).toMatchObject({
      Refs: null,
      Resources: null,
      Links: null,
      PagingInfo: { PageNum: 1, PagesCount: 1 },
    });
  });

  it('accepts doubled quotes inside a value and returns an empty list when nothing matches', async () => {
    const result = await query({
      type: 'AgentBackupJob',
      format: 'Entities',
      filter: 'Name=="Server ""Backup"""',
    });
    expect(result.Entities.AgentBackupJob.AgentBackupJobs).toEqual([]);
  });

  it('answers References by default, double nested like EM', async () => {
    const result = await query({
      type: 'agentbackupjob',
      filter: 'Platform==AgentForLinux',
      sortAsc: 'name',
    });
    expect(result.Refs.Refs.map((r: any) => r.Name)).toEqual(['Linux DB Servers', 'Linux Web Servers']);
    expect(result.Entities).toBeNull();
  });

  it('filters booleans and ORs', async () => {
    const result = await query({
      type: 'AgentBackupJob',
      filter: 'ScheduleEnabled==false,ScheduleConfigured==false',
    });
    expect(result.Refs.Refs.map((r: any) => r.Name).sort()).toEqual([
      'Linux DB Servers',
      'Workstations Weekly',
    ]);
  });

  it('filters sessions by Result (ordinal) and CreationTime (as dates)', async () => {
    const failed = sim.addSession({
      jobId: SIM_JOB_IDS.linuxDb,
      state: 'Stopped',
      result: 'Failed',
      failureMessage: 'Error: x',
    });
    const warned = sim.addSession({ jobId: SIM_JOB_IDS.linuxWeb, state: 'Stopped', result: 'Warning' });
    const since = new Date(Date.now() - 60_000).toISOString();
    const atLeastWarning = await query({
      type: 'BackupJobSession',
      format: 'Entities',
      filter: `Result>=Warning;CreationTime>="${since}";JobType==AgentBackup`,
      sortDesc: 'CreationTime',
    });
    const names = atLeastWarning.Entities.BackupJobSessions.BackupJobSessions.map(
      (s: any) => s.JobName,
    ).sort();
    expect(names).toEqual(['Linux DB Servers', 'Linux Web Servers']);
    const onlyFailed = await query({
      type: 'BackupJobSession',
      format: 'Entities',
      filter: `Result==Failed;JobType==AgentBackup`,
    });
    expect(onlyFailed.Entities.BackupJobSessions.BackupJobSessions.map((s: any) => s.UID)).toEqual([
      `urn:veeam:BackupJobSession:${failed.id}`,
    ]);
    const old = await query({ type: 'BackupJobSession', filter: `EndTime<"${since}";JobType==AgentBackup` });
    expect(old.Refs.Refs).toHaveLength(5);
    expect(old.Refs.Refs.some((r: any) => r.UID.endsWith(warned.id))).toBe(false);
  });

  it('pages results with pageSize and page', async () => {
    const page2 = await query({ type: 'AgentBackupJob', sortAsc: 'Name', pageSize: '2', page: '2' });
    expect(page2.Refs.Refs.map((r: any) => r.Name)).toEqual(['Server Backup', 'Server Backup SQL']);
    expect(page2.PagingInfo).toMatchObject({ PageNum: 2, PageSize: 2, PagesCount: 3 });
    expect(page2.PagingInfo.Links.map((l: any) => l.Rel)).toEqual(['First', 'Previous', 'Next', 'Last']);
  });

  it('answers XML QueryResult with <Entities><AgentBackupJobs>', async () => {
    const reply = await call(
      sim,
      `/query?type=AgentBackupJob&format=Entities&filter=${encodeURIComponent('Name=="Server Backup"')}`,
      {
        token,
      },
    );
    expect(reply.text).toMatch(
      /^<QueryResult xmlns="http:\/\/www\.veeam\.com\/ent\/v1\.0"><Entities><AgentBackupJobs><AgentBackupJob /,
    );
    // Real EM's page size when none is asked: 100 (em-api.md fact 11).
    expect(reply.text).toContain('<PagingInfo PageNum="1" PageSize="100" PagesCount="1">');
  });

  it.each([
    ['malformed filter', { type: 'AgentBackupJob', filter: 'Name=="oops' }],
    ['unknown field', { type: 'AgentBackupJob', filter: 'Colour==red' }],
    ['bad date', { type: 'BackupJobSession', filter: 'CreationTime>yesterday' }],
    ['bad enum', { type: 'BackupJobSession', filter: 'Result==Meh' }],
    ['unknown type', { type: 'Spaceship' }],
  ])('answers 400 with an Error body for a %s', async (_what, params) => {
    const reply = await query(params as Record<string, string>);
    expect(reply.status).toBe(400);
    expect(reply.json).toMatchObject({ StatusCode: 400, Status: 'BadRequest', Message: expect.any(String) });
  });
});
