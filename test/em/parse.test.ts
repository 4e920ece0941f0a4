// EM's two raw formats → our types: the seed pages' XML verbatim, recorded JSON shapes, and the tolerated oddities.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EmError } from '../../src/em/errors.js';
import {
  parseError,
  parseJob,
  parseJobQueryPage,
  parseJobSession,
  parseJobSessions,
  parseJobs,
  parseLogonSession,
  parseSessionQueryPage,
  parseTask,
  parseTasks,
} from '../../src/em/parse.js';
import type { Job } from '../../src/em/types.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/em/${name}`, import.meta.url), 'utf8');

const JOB = 'a6deb158-b26c-4140-8b26-5a3cc344e8ec';
const JOB_URL = `https://srv12.tech.local:9398/api/agents/jobs/${JOB}`;
const SERVER = 'd1444f74-27e6-4399-81a9-d28ba98913f0';
const SESSION = '821cc74e-4c0e-4a3b-9d7b-2f7f5d9b1c11';
const BOM = '\uFEFF';

/** Everything the seed page (shared/seeds/001) says about "Server Backup". */
const SEED_JOB: Job = {
  kind: 'agent',
  id: JOB,
  uid: `urn:veeam:AgentBackupJob:${JOB}`,
  name: 'Server Backup',
  href: `${JOB_URL}?format=Entity`,
  jobType: 'AgentBackup',
  platform: 'AgentForWindows',
  description: 'Backup of physical server',
  scheduleConfigured: true,
  scheduleEnabled: true,
  nextRun: '2020-02-12T15:00:00Z',
  schedule: {
    summary: 'Daily (Everyday) at 16:00:00.0000000+01:00',
    daily: {
      enabled: true,
      kind: 'Everyday',
      days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
      time: '16:00:00.0000000+01:00',
    },
    monthly: {
      enabled: false,
      time: '22:00:00.0000000+01:00',
      dayNumberInMonth: 'Fourth',
      dayOfWeek: 'Saturday',
      months: [
        'January',
        'February',
        'March',
        'April',
        'May',
        'June',
        'July',
        'August',
        'September',
        'October',
        'November',
        'December',
      ],
    },
    periodically: { enabled: false, kind: 'Hours', fullPeriod: 1 },
    continuous: { enabled: false },
    retry: { times: 3, timeoutMinutes: 10, specified: true },
  },
  retention: { retainCycles: 5, retainDaysToKeep: 7, retainLimitType: 'Cycles', gfsEnabled: false },
  includes: [
    {
      id: '51616f00-6107-48a9-95ba-1cee9ed6a86e',
      name: 'Windows Servers',
      displayName: 'Windows Servers',
      href: `${JOB_URL}/includes/51616f00-6107-48a9-95ba-1cee9ed6a86e`,
    },
  ],
  backupServer: {
    id: SERVER,
    name: 'srv12.tech.local',
    href: `https://srv12.tech.local:9398/api/backupServers/${SERVER}`,
  },
  links: [
    {
      rel: 'Up',
      type: 'BackupServerReference',
      href: `https://srv12.tech.local:9398/api/backupServers/${SERVER}`,
      name: 'srv12.tech.local',
    },
    { rel: 'Alternate', type: 'JobReference', href: JOB_URL, name: 'Server Backup' },
    { rel: 'Down', type: 'ObjectInJobList', href: `${JOB_URL}/includes` },
    { rel: 'ToggleScheduleEnabled', href: `${JOB_URL}?action=toggleScheduleEnabled` },
    { rel: 'Down', type: 'BackupJobSessionReferenceList', href: `${JOB_URL}/backupSessions` },
    { rel: 'Start', href: `${JOB_URL}?action=start` },
    { rel: 'Stop', href: `${JOB_URL}?action=stop` },
    { rel: 'Retry', href: `${JOB_URL}?action=retry` },
  ],
};

function expectParseError(run: () => unknown): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(EmError);
  expect((caught as EmError).kind).toBe('parse');
}

describe('the seed pages (shared/seeds), XML verbatim', () => {
  it('reads the AgentBackupJob entity of seed 001 into exactly the documented values', () => {
    const job = parseJob(fixture('seed-001-agent-backup-job.xml'), 'xml');
    expect(job).toEqual(SEED_JOB);
    expect(job.links).toHaveLength(8);
  });

  it('reads the finished toggleScheduleEnabled Task of seed 000', () => {
    expect(parseTask(fixture('seed-000-task-toggle-finished.xml'), 'xml')).toEqual({
      id: 'task-1',
      href: 'https://localhost:9398/api/tasks/task-1',
      state: 'Finished',
      operation: 'UpdateJob',
      result: { success: true, message: 'Ok' },
      links: [{ rel: 'Delete', type: 'Task', href: 'https://localhost:9398/api/tasks/task-1' }],
    });
  });

  it('reads the finished session-stop Task of seed 003, quotes in the message intact', () => {
    const task = parseTask(fixture('seed-003-task-session-stop-finished.xml'), 'xml');
    expect(task.operation).toBe('StopJobSession');
    expect(task.state).toBe('Finished');
    expect(task.result).toEqual({
      success: true,
      message: 'Job Session "Fileserver Backup@2014-10-19 08:02:16" triggered to stop.',
    });
  });

  it('reads the same job from a JSON body with a BOM (em-api.md §7 shape)', () => {
    const json = {
      Links: SEED_JOB.links.map((l) => ({
        Rel: l.rel,
        Href: l.href,
        Name: l.name ?? null,
        Type: l.type ?? null,
      })),
      JobType: 'AgentBackup',
      Platform: 'AgentForWindows',
      Description: 'Backup of physical server',
      ScheduleConfigured: true,
      ScheduleEnabled: true,
      NextRun: '2020-02-12T15:00:00Z',
      JobScheduleOptions: {
        Standart: {
          RetryOptions: { RetryTimes: 3, RetryTimeout: 10, RetrySpecified: true },
          OptionsDaily: {
            Kind: 'Everyday',
            Days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
            Time: '16:00:00.0000000+01:00',
            Enabled: true,
          },
          OptionsMonthly: {
            Time: '22:00:00.0000000+01:00',
            DayNumberInMonth: 'Fourth',
            DayOfWeek: 'Saturday',
            Months: SEED_JOB.schedule.monthly?.months,
            Enabled: false,
          },
          OptionsPeriodically: { Kind: 'Hours', FullPeriod: 1, Enabled: false },
          OptionsContinuous: { Enabled: false },
        },
      },
      JobInfo: {
        Includes: [
          {
            ObjectInJobId: '51616f00-6107-48a9-95ba-1cee9ed6a86e',
            Name: 'Windows Servers',
            DisplayName: 'Windows Servers',
            Href: SEED_JOB.includes[0]?.href,
            Type: 'ObjectInAgentBackupJob',
          },
        ],
        GfsRetentionPolicy: { Enabled: false },
        SimpleRetentionPolicy: { RetainCycles: 5, RetainDaysToKeep: 7, RetainLimitType: 'Cycles' },
      },
      Href: SEED_JOB.href,
      Name: 'Server Backup',
      UID: SEED_JOB.uid,
      Type: 'AgentBackupJob',
    };
    expect(parseJob(BOM + JSON.stringify(json), 'json')).toEqual(SEED_JOB);
  });
});

describe('Tasks', () => {
  it('reads the recorded JSON Task while Running: no Result, link without Name/Type', () => {
    const body =
      '{"TaskId":"task-9","State":"Running","Operation":"EditCloudTenant","Links":[{"Rel":"Delete","Href":"http://host:9399/api/tasks/task-9"}],"Href":"http://host:9399/api/tasks/task-9","Type":"Task"}';
    expect(parseTask(body, 'json')).toEqual({
      id: 'task-9',
      href: 'http://host:9399/api/tasks/task-9',
      state: 'Running',
      operation: 'EditCloudTenant',
      result: undefined,
      links: [{ rel: 'Delete', href: 'http://host:9399/api/tasks/task-9' }],
    });
  });

  it('keeps an unknown State and reads a failed Result', () => {
    const body = `${BOM}{"TaskId":"task-3","State":"Suspended","Operation":"StartJob","Result":{"Success":false,"Message":"Job is already running."},"Links":null}`;
    const task = parseTask(body, 'json');
    expect(task.state).toBe('Suspended');
    expect(task.result).toEqual({ success: false, message: 'Job is already running.' });
    expect(task.links).toEqual([]);
  });

  it('reads a Task list in XML (one and several) and JSON', () => {
    const one =
      '<Tasks xmlns="http://www.veeam.com/ent/v1.0"><Task Type="Task" Href="h/task-1"><TaskId>task-1</TaskId><State>Running</State><Operation>StartJob</Operation></Task></Tasks>';
    expect(parseTasks(one, 'xml').map((t) => t.id)).toEqual(['task-1']);
    const two = one.replace(
      '</Tasks>',
      '<Task Type="Task" Href="h/task-2"><TaskId>task-2</TaskId><State>OperationFinished</State><Operation>StopAgentJob</Operation><Result Success="true"><Message>OperationFinished</Message></Result></Task></Tasks>',
    );
    expect(parseTasks(two, 'xml').map((t) => [t.id, t.state, t.result?.success])).toEqual([
      ['task-1', 'Running', undefined],
      ['task-2', 'OperationFinished', true],
    ]);
    expect(parseTasks('{"Tasks":[]}', 'json')).toEqual([]);
    expect(parseTasks('<Tasks xmlns="http://www.veeam.com/ent/v1.0" />', 'xml')).toEqual([]);
    expect(parseTasks('{"Tasks":[{"TaskId":"task-7","State":"Finished"}]}', 'json')[0]?.id).toBe('task-7');
  });

  it('refuses a Task without TaskId', () => {
    expectParseError(() => parseTask('{"State":"Running"}', 'json'));
  });
});

describe('backup sessions', () => {
  // The recorded v10 entity (em-api.md §7), GUIDs completed.
  const recorded = {
    IsRetry: false,
    JobUid: 'urn:veeam:Job:70073B98-1111-4222-8333-944455556666',
    JobName: 'Archived Projects',
    JobType: 'NasBackup',
    CreationTimeUTC: '2020-02-04T08:12:19.453Z',
    EndTimeUTC: '2020-02-04T08:47:10.64Z',
    State: 'Stopped',
    Result: 'Success',
    Progress: 100,
    FailureMessage: null,
    Name: 'Archived Projects@2020-02-04 08:12:19',
    UID: `urn:veeam:BackupJobSession:${SESSION}`,
    Links: [
      {
        Rel: 'Up',
        Href: 'https://localhost:9398/api/backupServers/7905',
        Name: 'appserver',
        Type: 'BackupServerReference',
      },
      {
        Rel: 'Stop',
        Href: `https://localhost:9398/api/backupSessions/${SESSION}?action=stop`,
        Name: null,
        Type: null,
      },
    ],
    Href: `https://localhost:9398/api/backupSessions/${SESSION}?format=Entity`,
    Type: 'BackupJobSession',
  };
  const xml = `<BackupJobSession xmlns="http://www.veeam.com/ent/v1.0" Href="${recorded.Href}" Type="BackupJobSession" Name="${recorded.Name}" UID="${recorded.UID}"><Links><Link Rel="Up" Type="BackupServerReference" Href="https://localhost:9398/api/backupServers/7905" Name="appserver" /><Link Rel="Stop" Href="https://localhost:9398/api/backupSessions/${SESSION}?action=stop" /></Links><JobUid>${recorded.JobUid}</JobUid><JobName>Archived Projects</JobName><JobType>NasBackup</JobType><CreationTimeUTC>2020-02-04T08:12:19.453Z</CreationTimeUTC><EndTimeUTC>2020-02-04T08:47:10.64Z</EndTimeUTC><State>Stopped</State><Result>Success</Result><Progress>100</Progress><FailureMessage /><IsRetry>false</IsRetry></BackupJobSession>`;

  it('reads the recorded JSON entity and the same in XML to the same object', () => {
    const fromJson = parseJobSession(JSON.stringify(recorded), 'json');
    expect(fromJson).toEqual({
      kind: 'backup',
      id: SESSION,
      uid: `urn:veeam:BackupJobSession:${SESSION}`,
      name: 'Archived Projects@2020-02-04 08:12:19',
      href: recorded.Href,
      jobUid: recorded.JobUid,
      jobId: '70073b98-1111-4222-8333-944455556666',
      jobName: 'Archived Projects',
      jobType: 'NasBackup',
      creationTime: '2020-02-04T08:12:19.453Z',
      endTime: '2020-02-04T08:47:10.64Z',
      state: 'Stopped',
      result: 'Success',
      progress: 100,
      failureMessage: undefined,
      isRetry: false,
      links: [
        {
          rel: 'Up',
          href: 'https://localhost:9398/api/backupServers/7905',
          name: 'appserver',
          type: 'BackupServerReference',
        },
        { rel: 'Stop', href: `https://localhost:9398/api/backupSessions/${SESSION}?action=stop` },
      ],
    });
    expect(parseJobSession(xml, 'xml')).toEqual(fromJson);
  });

  it('defaults a missing Result to None and keeps unknown states', () => {
    const { Result: _r, EndTimeUTC: _e, ...running } = recorded;
    const session = parseJobSession(JSON.stringify({ ...running, State: 'Postprocessing' }), 'json');
    expect(session.result).toBe('None');
    expect(session.state).toBe('Postprocessing');
    expect(session.endTime).toBeUndefined();
  });

  it('reads a plain entity collection in both formats', () => {
    expect(
      parseJobSessions(JSON.stringify({ BackupJobSessions: [recorded, recorded] }), 'json'),
    ).toHaveLength(2);
    const wrapped = `<BackupJobSessions xmlns="http://www.veeam.com/ent/v1.0">${xml.replace(' xmlns="http://www.veeam.com/ent/v1.0"', '')}</BackupJobSessions>`;
    expect(parseJobSessions(wrapped, 'xml').map((s) => s.id)).toEqual([SESSION]);
  });

  it('reads query results wrapped once or twice, and empty ones (em-api.md §5)', () => {
    const double = {
      Entities: { BackupJobSessions: { BackupJobSessions: [recorded] } },
      PagingInfo: { PageNum: 1 },
    };
    const single = { Entities: { BackupJobSessions: [recorded] }, PagingInfo: null };
    const empty = { Entities: { BackupJobSessions: { BackupJobSessions: [] } }, PagingInfo: {} };
    const ids = (body: object) =>
      parseSessionQueryPage(JSON.stringify(body), 'json', 'backup').items.map((s) => s.id);
    expect(ids(double)).toEqual([SESSION]);
    expect(ids(single)).toEqual([SESSION]);
    expect(ids(empty)).toEqual([]);
    const inner = xml.replace(' xmlns="http://www.veeam.com/ent/v1.0"', '');
    const xmlResult = `<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Entities><BackupJobSessions>${inner}${inner}</BackupJobSessions></Entities><PagingInfo PageNum="1" PageSize="100" PagesCount="1" /></QueryResult>`;
    expect(parseSessionQueryPage(xmlResult, 'xml', 'backup').items).toHaveLength(2);
  });

  it('refuses a References answer where entities were asked for', () => {
    const refs = {
      Refs: { Refs: [{ UID: `urn:veeam:BackupJobSession:${SESSION}` }] },
      Entities: null,
      PagingInfo: {},
    };
    expectParseError(() => parseSessionQueryPage(JSON.stringify(refs), 'json', 'backup'));
  });
});

describe('agent job lists', () => {
  const seedXml = fixture('seed-001-agent-backup-job.xml').trim();
  const inner = seedXml.replace(' xmlns="http://www.veeam.com/ent/v1.0"', '');

  it('reads the odd singular/plural JSON wrapper Entities.AgentBackupJob.AgentBackupJobs', () => {
    const body = JSON.stringify({
      Entities: {
        AgentBackupJob: {
          AgentBackupJobs: [{ UID: `urn:veeam:AgentBackupJob:${JOB.toUpperCase()}`, Name: 'X' }],
        },
      },
    });
    const [job] = parseJobQueryPage(body, 'json').items;
    expect(job?.kind).toBe('agent');
    expect(job?.id).toBe(JOB);
    expect(job?.name).toBe('X');
    expect(job?.includes).toEqual([]);
    expect(job?.schedule.summary).toBeUndefined();
  });

  it('reads an XML query result with one job exactly like the single entity', () => {
    const body = `<QueryResult xmlns="http://www.veeam.com/ent/v1.0"><Entities><AgentBackupJobs>${inner}</AgentBackupJobs></Entities><PagingInfo PageNum="1" /></QueryResult>`;
    expect(parseJobQueryPage(body, 'xml').items).toEqual([SEED_JOB]);
    expect(parseJobs(`<AgentBackupJobs xmlns="x">${inner}</AgentBackupJobs>`, 'xml')).toEqual([SEED_JOB]);
  });
});

describe('logon and errors', () => {
  it('reads SessionId from the logon body in both formats', () => {
    const xml =
      '<LogonSession xmlns="http://www.veeam.com/ent/v1.0" Href="https://em/api/logonSessions/6f1e" Type="LogonSession"><Links /><UserName>SRV12\\Administrator</UserName><SessionId>6f1e</SessionId></LogonSession>';
    expect(parseLogonSession(xml, 'xml')).toEqual({ sessionId: '6f1e', userName: 'SRV12\\Administrator' });
    expect(parseLogonSession(`${BOM}{"UserName":"u","SessionId":"abc"}`, 'json').sessionId).toBe('abc');
  });

  it("reads EM's Error body in XML and JSON, whichever came back", () => {
    expect(
      parseError(
        '<Error xmlns="http://www.veeam.com/ent/v1.0" Message="Job not found" StatusCode="404" Status="NotFound" />',
      ),
    ).toEqual({ message: 'Job not found', statusCode: 404, status: 'NotFound' });
    expect(
      parseError(
        `${BOM}{"FirstChanceExceptionMessage":null,"Message":"Node [root] does not exist.","StackTrace":null,"Status":null,"StatusCode":400}`,
      ),
    ).toEqual({ message: 'Node [root] does not exist.', statusCode: 400, status: undefined });
    expect(parseError('')).toBeUndefined();
    expect(parseError('<html><body>Bad gateway</body></html>')).toBeUndefined();
    expect(parseError('{"Message": tru')).toBeUndefined();
  });

  it('refuses truncated and empty bodies as parse errors', () => {
    const seed = fixture('seed-001-agent-backup-job.xml');
    expectParseError(() => parseJob(seed.slice(0, seed.length / 2), 'xml'));
    expectParseError(() => parseTask('{"TaskId":"task-1","Sta', 'json'));
    expectParseError(() => parseTask('', 'json'));
    expectParseError(() => parseTask('[1,2]', 'json'));
  });
});

describe('only EM answers are read (issue 12: a proxy page with 200 is not "nothing there")', () => {
  const notEm = (run: () => unknown): void => {
    let caught: unknown;
    try {
      run();
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(EmError);
    expect((caught as EmError).kind).toBe('parse');
    expect((caught as EmError).reason).toBe('not-em');
  };
  const page = '<html xmlns="http://www.w3.org/1999/xhtml"><body><form/></body></html>';

  it('refuses an XML document whose root is not the EM element asked for', () => {
    notEm(() => parseTasks(page, 'xml'));
    notEm(() => parseJobQueryPage(page, 'xml'));
    notEm(() => parseSessionQueryPage('<Tasks xmlns="x"/>', 'xml', 'backup'));
    notEm(() => parseJob('<Task TaskId="task-1"/>', 'xml'));
    expect(parseTasks('<tasks/>', 'xml')).toEqual([]);
  });

  it('refuses a JSON object without the key EM puts at the top of that answer', () => {
    notEm(() => parseTasks('{"error":"login required"}', 'json'));
    notEm(() => parseJobQueryPage('{"Refs":null,"PagingInfo":null}', 'json'));
    notEm(() => parseJobSessions('{"Items":[]}', 'json', 'backup'));
    expect(parseJobQueryPage('{"Refs":null,"Entities":null}', 'json').items).toEqual([]);
  });
});
