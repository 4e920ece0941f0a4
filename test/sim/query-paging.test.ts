// Query paging as recorded from real EM (em-api.md fact 11; centreon-plugins restapi.json): 100 items a page
// when no pageSize is sent, PagingInfo with First/Previous/Next/Last links in EM's own href form, in JSON and
// XML; and the failQueryPage knob that fails one page so clients prove they retry it.

import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { agent, call, logon } from './sim-http.js';

describe('EM simulator query paging', () => {
  let sim: EmSimulator;
  let token: string;
  beforeAll(async () => {
    sim = await startEmSimulator({ clock: new ManualClock() });
    sim.addJobs({ count: 250, jobType: 'Backup', prefix: 'VM' });
    ({ token } = await logon(sim));
  });
  afterAll(async () => {
    await sim.close();
    await agent.close();
  });

  const getJson = async (path: string): Promise<any> => {
    const reply = await call(sim, path, { token, accept: 'application/json' });
    expect(reply.status, reply.text).toBe(200);
    return reply.json;
  };
  /** Follows an EM-built href (absolute, under sim.url). */
  const follow = (href: string): Promise<any> => getJson(href.slice(sim.url.length));

  it('answers 100 items a page without pageSize, with EM-shaped PagingInfo links', async () => {
    const first = await getJson('/query?type=Job&format=Entities&filter=JobType%3D%3DBackup');
    const jobs = first.Entities.Jobs.Jobs;
    expect(jobs).toHaveLength(100);
    expect(first.PagingInfo).toMatchObject({ PageNum: 1, PageSize: 100, PagesCount: 3 });
    expect(first.PagingInfo.Links.map((l: any) => l.Rel)).toEqual(['First', 'Next', 'Last']);
    // EM keeps the parameters, escapes like .NET (lowercase hex) and appends pageSize and page.
    expect(first.PagingInfo.Links[0]).toEqual({
      Rel: 'First',
      Href: `${sim.url}/query?type=Job&format=Entities&filter=JobType%3d%3dBackup&pageSize=100&page=1`,
      Name: null,
      Type: null,
    });
    expect(first.PagingInfo.Links[2].Href).toMatch(/&pageSize=100&page=3$/);
    const quoted = await getJson(
      `/query?type=Job&filter=${encodeURIComponent('JobType=="Backup";Name=="VM 001"')}&pageSize=5`,
    );
    expect(quoted.Refs.Refs.map((r: any) => r.Name)).toEqual(['VM 001']);
    expect(quoted.PagingInfo.Links[0].Href).toBe(
      `${sim.url}/query?type=Job&filter=JobType%3d%3d%22Backup%22%3bName%3d%3d%22VM+001%22&pageSize=5&page=1`,
    );
  });

  it('lets a client walk Next links until PageNum == PagesCount and see every job once', async () => {
    const names: string[] = [];
    let page = await getJson('/query?type=Job&format=Entities&pageSize=40');
    for (;;) {
      names.push(...page.Entities.Jobs.Jobs.map((j: any) => j.Name));
      if (page.PagingInfo.PageNum === page.PagingInfo.PagesCount) break;
      const rels = page.PagingInfo.Links.map((l: any) => l.Rel);
      if (page.PagingInfo.PageNum > 1) expect(rels).toContain('Previous');
      page = await follow(page.PagingInfo.Links.find((l: any) => l.Rel === 'Next').Href);
    }
    // 250 added + 6 seeded /jobs jobs, 40 a page.
    expect(names).toHaveLength(256);
    expect(new Set(names).size).toBe(256);
    expect(page.PagingInfo).toMatchObject({ PageNum: 7, PageSize: 40, PagesCount: 7 });
  });

  it('pages references and XML the same way', async () => {
    const refs = await getJson('/query?type=Job&page=3');
    expect(refs.Refs.Refs).toHaveLength(56);
    expect(refs.PagingInfo.Links.map((l: any) => l.Rel)).toEqual(['First', 'Previous', 'Last']);
    const xml = await call(sim, '/query?type=Job&page=2', { token });
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(xml.text);
    const info = parsed.QueryResult.PagingInfo;
    expect([info['@PageNum'], info['@PageSize'], info['@PagesCount']]).toEqual(['2', '100', '3']);
    expect(info.Links.Link.map((l: any) => l['@Rel'])).toEqual(['First', 'Previous', 'Next', 'Last']);
    expect(info.Links.Link[2]['@Href']).toBe(`${sim.url}/query?type=Job&pageSize=100&page=3`);
    expect(parsed.QueryResult.Refs.Ref).toHaveLength(100);
  });

  it('pages a busy night of 300 finished sessions', async () => {
    const vmBackups = sim.listJobs().filter((j) => j.name.startsWith('VM '));
    const night = sim.addFinishedSessions({
      count: 300,
      jobIds: vmBackups.map((j) => j.id),
      results: ['Success', 'Failed', 'Warning'],
    });
    expect(night).toHaveLength(300);
    const backups = await getJson('/query?type=BackupJobSession&format=Entities&filter=Result%3D%3DFailed');
    expect(backups.PagingInfo).toMatchObject({ PageNum: 1, PageSize: 100, PagesCount: 1 });
    expect(backups.Entities.BackupJobSessions.BackupJobSessions).toHaveLength(100);
    const total = sim.listSessions().filter((s) => s.jobType !== 'Replica').length;
    const all = await getJson('/query?type=BackupJobSession');
    expect(all.PagingInfo.PagesCount).toBe(Math.ceil(total / 100));
  });

  it('failQueryPage fails that page once with an EM Error, and the same request then succeeds', async () => {
    sim.knobs.failQueryPage = { page: 2, type: 'Job', status: 500 };
    expect((await call(sim, '/query?type=Job&page=1', { token })).status).toBe(200);
    expect((await call(sim, '/query?type=AgentBackupJob&page=2', { token })).status).toBe(200);
    const failed = await call(sim, '/query?type=Job&page=2', { token, accept: 'application/json' });
    expect(failed.status).toBe(500);
    expect(failed.json).toMatchObject({ StatusCode: 500, Status: 'InternalServerError' });
    const retried = await getJson('/query?type=Job&page=2');
    expect(retried.PagingInfo.PageNum).toBe(2);
    expect(sim.knobs.failQueryPage).toBeUndefined();
  });
});
