// performAction against the EM simulator over HTTP: EM's links decide what is sent (backup copy: sync), and a link
// EM gives that leaves /api, a missing link or a job deleted since it was listed sends nothing and says why.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmApi } from '../../src/em/api.js';
import { EmClient } from '../../src/em/client.js';
import { describeEmError } from '../../src/em/errors.js';
import type { Job, Task } from '../../src/em/types.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { JobLocks } from '../../src/ops/job-locks.js';
import { performAction } from '../../src/ops/perform-action.js';
import { ScheduleSwitch } from '../../src/ops/schedule-switch.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { emConfig, TEST_PASSWORD, TEST_USER } from '../em/em-test-kit.js';

let sim: EmSimulator;
let client: EmClient;
const logger = createMemoryLogger('debug');

beforeAll(async () => {
  sim = await startEmSimulator({
    username: TEST_USER,
    password: TEST_PASSWORD,
    taskDurationMs: 50,
    backupDurationMs: 60_000,
  });
  client = new EmClient({ config: emConfig(sim.url), logger });
});
afterAll(async () => {
  await client.logout();
  await sim.close();
});

function schedule(em: EmApi): ScheduleSwitch {
  return new ScheduleSwitch({
    em,
    locks: new JobLocks(),
    logger,
    pollIntervalMs: 10,
    settleTimeoutMs: 2_000,
  });
}

/** EM requests of a kind (method and path as the bot logged them), e.g. "POST /jobs/<id>?action=sync". */
function sent(fragment: string): string[] {
  return logger.lines
    .filter((l) => l.msg === 'EM request' && String(l.request).includes(fragment))
    .map((l) => String(l.request));
}

function writes(): number {
  return Object.entries(sim.stats.byRoute)
    .filter(([route]) => /^(POST|PUT|DELETE) /.test(route) && !/sessionMngr|logonSessions/i.test(route))
    .reduce((sum, [, n]) => sum + n, 0);
}

const accepted: Task[] = [];
const onAccepted = async (task: Task) => {
  accepted.push(task);
};

describe('performAction over HTTP', () => {
  it('starts a backup copy job with ?action=sync, through the link EM gave', async () => {
    const target = {
      kind: 'job' as const,
      jobId: SIM_JOB_IDS.offsiteCopy,
      jobName: 'Offsite Copy',
      jobKind: 'backup-copy' as const,
    };
    const outcome = await performAction(client, schedule(client), 'start', target, onAccepted);
    expect(outcome.kind).toBe('accepted');
    expect(sent(`POST /jobs/${SIM_JOB_IDS.offsiteCopy}?action=sync`)).toHaveLength(1);
    expect(sent(`${SIM_JOB_IDS.offsiteCopy}?action=start`)).toEqual([]);
  });

  it('reads a job of unknown kind from every collection (target saved without jobKind)', async () => {
    const target = { kind: 'job' as const, jobId: SIM_JOB_IDS.nasHr, jobName: 'HR Share' };
    const outcome = await performAction(client, schedule(client), 'disable', target, onAccepted);
    expect(outcome.kind).toBe('accepted');
    expect(sim.listJobs().find((j) => j.id === SIM_JOB_IDS.nasHr)?.scheduleEnabled).toBe(false);
  });

  it('refuses a link that leaves /api and sends nothing', async () => {
    // EM's answer, as a wrapper over the real client would see it if EM named a path outside its API.
    const em = Object.create(client) as EmApi;
    em.getJob = async (id, kind) => {
      const job: Job = await client.getJob(id, kind);
      return {
        ...job,
        links: job.links.map((l) =>
          l.rel === 'Start' ? { ...l, href: l.href.replace('/api/', '/admin/') } : l,
        ),
      };
    };
    const before = writes();
    const target = {
      kind: 'job' as const,
      jobId: SIM_JOB_IDS.hvExchange,
      jobName: 'Exchange Backup',
      jobKind: 'vm-backup' as const,
    };
    const error = await performAction(em, schedule(em), 'start', target, onAccepted).catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'invalid-link' });
    expect(describeEmError(error)).toContain('does not trust');
    expect(writes()).toBe(before);
    expect(logger.lines.some((l) => l.msg === 'Refused an EM action link')).toBe(true);
  });

  it('refuses an action EM offers no link for (retry after a success) and sends nothing', async () => {
    const before = writes();
    const target = {
      kind: 'job' as const,
      jobId: SIM_JOB_IDS.vcdTenant,
      jobName: 'Tenant vApps',
      jobKind: 'vm-backup' as const,
    };
    const error = await performAction(client, schedule(client), 'retry', target, onAccepted).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ kind: 'action-unavailable' });
    expect(describeEmError(error)).toContain('offers no retry');
    expect(writes()).toBe(before);
  });

  it('says a job deleted since it was listed no longer exists', async () => {
    const target = { kind: 'job' as const, jobId: '00000000-0000-4000-8000-000000000404', jobName: 'Gone' };
    for (const action of ['start', 'enable'] as const) {
      const error = await performAction(client, schedule(client), action, target, onAccepted).catch(
        (e: unknown) => e,
      );
      expect(describeEmError(error)).toContain('no longer exists in Enterprise Manager');
    }
  });

  it('stops a replication session found by its bare ID', async () => {
    const task = await performAction(
      client,
      schedule(client),
      'start',
      { kind: 'job', jobId: SIM_JOB_IDS.erpReplica, jobName: 'ERP Replica', jobKind: 'replica' },
      onAccepted,
    );
    expect(task.kind).toBe('accepted');
    const run = await waitForWorking(SIM_JOB_IDS.erpReplica);
    const stop = await performAction(
      client,
      schedule(client),
      'session-stop',
      { kind: 'session', sessionId: run },
      onAccepted,
    );
    expect(stop.kind).toBe('accepted');
    expect(sent(`POST /replicaSessions/${run}?action=stop`)).toHaveLength(1);
  });
});

async function waitForWorking(jobId: string): Promise<string> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    await client.getJob(jobId); // a request lets the simulator apply what is due
    const run = sim.listSessions().find((s) => s.jobId === jobId && s.state === 'Working');
    if (run) return run.id;
    if (Date.now() > deadline) throw new Error('no run started');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
