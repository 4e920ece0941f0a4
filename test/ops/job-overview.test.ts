import { describe, expect, it } from 'vitest';
import type { EmApi } from '../../src/em/api.js';
import type { JobSession } from '../../src/em/types.js';
import { jobOverview } from '../../src/ops/job-overview.js';
import { agentJob } from './job-fixtures.js';

const A = '00000000-0000-4000-8000-00000000000a';
const B = '00000000-0000-4000-8000-00000000000b';

function session(jobId: string, result: string, endTime: string, jobType = 'AgentBackup'): JobSession {
  return { kind: 'backup', jobId, result, endTime, state: 'Stopped', jobType } as JobSession;
}

/** An EmApi (a dependency, not a patched module) that counts its reads. */
function fakeEm() {
  const reads = { jobs: 0, sessions: 0 };
  const em = {
    async listJobs() {
      reads.jobs += 1;
      return [agentJob(A, 'Alpha'), agentJob(B, 'Beta')];
    },
    async querySessions() {
      reads.sessions += 1;
      return [
        session(A, 'Failed', '2026-01-01T01:00:00Z'),
        session(A, 'Success', '2026-01-01T03:00:00Z'),
        session(A, 'Failed', '2026-01-01T04:00:00Z', 'AgentManagement'),
        session(B, 'Failed', '2026-01-01T02:00:00Z'),
      ];
    },
  } as unknown as EmApi;
  return { em, reads };
}

describe('jobOverview', () => {
  it("gives each job its newest ended run, folding per-machine children into their parent's", async () => {
    const { em } = fakeEm();
    const rows = await jobOverview(em, 0, { filter: '', failedOnly: false });
    expect(rows.map((r) => [r.job.name, r.last?.result])).toEqual([
      ['Alpha', 'Success'],
      ['Beta', 'Failed'],
    ]);
    const failed = await jobOverview(em, 0, { filter: '', failedOnly: true });
    expect(failed.map((r) => r.job.name)).toEqual(['Beta']);
  });

  it('reads EM once per list, and reuses that read only when asked and only for the time asked', async () => {
    const { em, reads } = fakeEm();
    await jobOverview(em, 1_000, { filter: '', failedOnly: false });
    await jobOverview(em, 2_000, { filter: 'al', failedOnly: false, reuseWithinMs: 30_000 });
    expect(reads).toEqual({ jobs: 1, sessions: 1 });
    await jobOverview(em, 31_000, { filter: '', failedOnly: false, reuseWithinMs: 30_000 });
    expect(reads).toEqual({ jobs: 2, sessions: 2 });
    await jobOverview(em, 31_001, { filter: '', failedOnly: false });
    expect(reads).toEqual({ jobs: 3, sessions: 3 });
  });

  it('makes one read of EM for lists asked for together, and a new one for a list asked for later', async () => {
    const { em, reads } = fakeEm();
    const together = await Promise.all(
      Array.from({ length: 20 }, () => jobOverview(em, 5_000, { filter: '', failedOnly: false })),
    );
    expect(together.every((rows) => rows.length === 2)).toBe(true);
    expect(reads).toEqual({ jobs: 1, sessions: 1 });
    await jobOverview(em, 5_100, { filter: '', failedOnly: false });
    expect(reads).toEqual({ jobs: 2, sessions: 2 });
  });
});
