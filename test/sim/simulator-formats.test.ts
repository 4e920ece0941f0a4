import { readFileSync } from 'node:fs';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { agent, call, logon } from './sim-http.js';

// The entity of shared/seeds/001, copied so the repo's tests never read outside it.
const SEED_FILE = new URL('../fixtures/em/seed-001-agent-backup-job.xml', import.meta.url);
const SEED_HOST = 'https://srv12.tech.local:9398/api';

function seedJobXml(): string {
  return readFileSync(SEED_FILE, 'utf8').trim();
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
});

describe('EM simulator formats', () => {
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

  it('reproduces the seed "Server Backup" entity element for element (host aside)', async () => {
    const reply = await call(sim, `/agents/jobs/${SIM_JOB_IDS.serverBackup}?format=Entity`, { token });
    expect(reply.status).toBe(200);
    const ours = parser.parse(reply.text.split(sim.url).join(SEED_HOST));
    const seed = parser.parse(seedJobXml());
    expect(ours).toEqual(seed);
    // Same order too: the serialised element names appear in the seed's sequence.
    const names = (xml: string) => [...xml.matchAll(/<([A-Za-z]+)[\s/>]/g)].map((m) => m[1]).join(',');
    expect(names(reply.text)).toBe(names(seedJobXml()));
  });

  it('answers the job reference by default, with the EM namespace', async () => {
    const reply = await call(sim, `/agents/jobs/${SIM_JOB_IDS.serverBackup}`, { token });
    expect(reply.headers['content-type']).toContain('application/xml');
    expect(
      reply.text.startsWith(
        '<EntityRef xmlns="http://www.veeam.com/ent/v1.0" Type="AgentBackupJobReference"',
      ),
    ).toBe(true);
    expect(reply.text).toContain(`UID="urn:veeam:AgentBackupJob:${SIM_JOB_IDS.serverBackup}"`);
  });

  it('serves JSON with a BOM when Accept is application/json: root dropped, typed scalars, Links arrays', async () => {
    const reply = await call(sim, `/agents/jobs/${SIM_JOB_IDS.linuxDb}?format=Entity`, {
      token,
      accept: 'application/json',
    });
    expect(reply.headers['content-type']).toContain('application/json');
    expect([...reply.raw.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(reply.json).toMatchObject({
      Type: 'AgentBackupJob',
      Name: 'Linux DB Servers',
      Platform: 'AgentForLinux',
      ScheduleEnabled: false,
      ScheduleConfigured: true,
      UID: `urn:veeam:AgentBackupJob:${SIM_JOB_IDS.linuxDb}`,
    });
    expect(Array.isArray(reply.json.Links)).toBe(true);
    expect(reply.json.Links.find((l: any) => l.Rel === 'Start').Href).toBe(
      `${sim.url}/agents/jobs/${SIM_JOB_IDS.linuxDb}?action=start`,
    );
    expect(reply.json.JobScheduleOptions.Standart.RetryOptions.RetryTimes).toBe(3);
    expect(reply.json.JobInfo.Includes[0].Name).toBe('Linux DB');
  });

  it('lists agent jobs as EntityReferences (XML) and {"Refs":[…]} (JSON)', async () => {
    const xml = await call(sim, '/agents/jobs', { token });
    expect(xml.text.startsWith('<EntityReferences xmlns="http://www.veeam.com/ent/v1.0"><Ref ')).toBe(true);
    const json = await call(sim, '/agents/jobs', { token, accept: 'application/json' });
    expect(json.json.Refs.map((r: any) => r.Name)).toEqual([
      'Server Backup',
      'Server Backup SQL',
      'Linux Web Servers',
      'Linux DB Servers',
      'Workstations Weekly',
    ]);
  });

  it('answers several Accept values with 400 "Node [root] does not exist." like EM 9.5U4', async () => {
    const reply = await call(sim, '/tasks', { token, accept: 'application/xml, application/json' });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({
      FirstChanceExceptionMessage: null,
      Message: 'Node [root] does not exist.',
      StackTrace: null,
      Status: null,
      StatusCode: 400,
    });
  });

  it('answers unknown IDs with 404 in EM Error shape, XML and JSON', async () => {
    const unknown = '11111111-2222-4333-8444-555555555555';
    const xml = await call(sim, `/agents/jobs/${unknown}`, { token });
    expect(xml.status).toBe(404);
    expect(xml.text).toMatch(
      /^<Error xmlns="http:\/\/www\.veeam\.com\/ent\/v1\.0" Message="[^"]+" StatusCode="404" Status="NotFound" \/>$/,
    );
    const json = await call(sim, `/backupSessions/${unknown}`, { token, accept: 'application/json' });
    expect(json.status).toBe(404);
    expect(json.json).toEqual({
      FirstChanceExceptionMessage: null,
      Message: expect.stringContaining(unknown),
      StackTrace: null,
      Status: 'NotFound',
      StatusCode: 404,
    });
    expect((await call(sim, '/tasks/task-999999', { token })).status).toBe(404);
    expect((await call(sim, '/tasks/nope', { token })).status).toBe(404);
  });

  it('refuses IDs that are not GUIDs with 400', async () => {
    const reply = await call(sim, '/agents/jobs/Server%20Backup', { token, accept: 'application/json' });
    expect(reply.status).toBe(400);
    expect(reply.json.Status).toBe('BadRequest');
  });

  it('keeps VM jobs under /jobs and agent jobs under /agents/jobs', async () => {
    expect((await call(sim, `/jobs/${SIM_JOB_IDS.vmFileserver}?format=Entity`, { token })).text).toContain(
      '<Platform>VMware</Platform>',
    );
    expect((await call(sim, `/agents/jobs/${SIM_JOB_IDS.vmFileserver}`, { token })).status).toBe(404);
  });

  it('gives every seeded job one finished Success session a day earlier, in BackupJobSession shape', async () => {
    const reply = await call(sim, `/agents/jobs/${SIM_JOB_IDS.linuxWeb}/backupSessions?format=Entity`, {
      token,
      accept: 'application/json',
    });
    const [session] = reply.json.BackupJobSessions;
    expect(session).toMatchObject({
      Type: 'BackupJobSession',
      JobName: 'Linux Web Servers',
      JobType: 'AgentBackup',
      JobUid: `urn:veeam:Job:${SIM_JOB_IDS.linuxWeb}`,
      State: 'Stopped',
      Result: 'Success',
      Progress: 100,
      FailureMessage: null,
      IsRetry: false,
    });
    expect(session.Name).toMatch(/^Linux Web Servers@\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(Date.now() - Date.parse(session.CreationTimeUTC)).toBeGreaterThan(23 * 3600_000);
    expect(session.EndTimeUTC).toMatch(/Z$/);
    expect(session.Links.find((l: any) => l.Rel === 'Stop').Href).toBe(
      `${session.Href.replace('?format=Entity', '')}?action=stop`,
    );
    const refs = await call(sim, '/backupSessions', { token, accept: 'application/json' });
    expect(refs.json.Refs.length).toBeGreaterThanOrEqual(6);
  });
});
