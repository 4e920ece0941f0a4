// sim.addAgentJob: extra agent jobs (beyond the seeded six) that EM's API serves like the seeded ones.

import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmClient } from '../../src/em/client.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { SIM_DEFAULT_CREDENTIALS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { waitFor } from '../support/wait-for.js';

let sim: EmSimulator;
let pool: Agent;
let em: EmClient;

beforeAll(async () => {
  sim = await startEmSimulator({ taskDurationMs: 60, backupDurationMs: 150 });
  pool = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
  em = new EmClient({
    config: { url: sim.url, ...SIM_DEFAULT_CREDENTIALS, insecureTls: false, timeoutMs: 2_000 },
    logger: createMemoryLogger('error'),
    dispatcher: pool,
  });
});

afterAll(async () => {
  await em.close();
  await pool.close();
  await sim.close();
});

describe('addAgentJob', () => {
  it('adds an agent job with a fresh GUID that EM lists, finds by name and runs', async () => {
    const before = sim.listJobs().length;
    const job = sim.addAgentJob({ name: 'Branch Office 17', platform: 'AgentForLinux' });
    expect(job).toMatchObject({
      name: 'Branch Office 17',
      platform: 'AgentForLinux',
      kind: 'agent',
      scheduleEnabled: true,
    });
    expect(job.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(sim.listJobs()).toHaveLength(before + 1);

    expect((await em.listJobs()).map((j) => j.id)).toContain(job.id);
    expect((await em.findJobsByName('Branch Office 17')).map((j) => j.id)).toEqual([job.id]);
    const read = await em.getJob(job.id);
    expect(read).toMatchObject({ kind: 'agent', name: 'Branch Office 17' });

    // Like a seeded job it has a finished run a day earlier, and it runs when started.
    expect(await em.listJobSessions(read)).toHaveLength(1);
    sim.setNextRunOutcome(job.id, { result: 'Failed', message: 'Repository offline' });
    await em.runJobAction(read, 'start');
    await waitFor(() =>
      sim
        .listSessions()
        .some((s) => s.jobId === job.id && s.result === 'Failed' && s.jobType === 'AgentBackup'),
    );
  });

  it('takes injected sessions like a seeded job', () => {
    const job = sim.addAgentJob({ name: 'Branch Office 18' });
    expect(job.platform).toBe('AgentForWindows');
    const session = sim.addSession({
      jobId: job.id,
      state: 'Stopped',
      result: 'Failed',
      endTime: Date.now(),
    });
    expect(session).toMatchObject({ jobName: 'Branch Office 18', jobType: 'AgentBackup', result: 'Failed' });
  });
});
