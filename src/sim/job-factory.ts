// Jobs added beyond the seed (tests, bench: "250 jobs, 300 finished sessions"), of any kind EM serves.

import { randomUUID } from 'node:crypto';
import { DEFAULT_RETRY, type SimJob } from './inventory-model.js';
import { daily, nasJob, vmJob } from './seed-jobs.js';
import type { SimJobInit } from './types.js';

const WEEK = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function buildJob(init: SimJobInit): SimJob {
  const id = randomUUID();
  const jobType = init.jobType ?? 'AgentBackup';
  const slug = init.name.toLowerCase().replaceAll(/[^a-z0-9]+/g, '-');
  const job: SimJob =
    jobType === 'AgentBackup'
      ? agentJob(id, init.name, init.platform ?? 'AgentForWindows', init.machines ?? [`${slug}.tech.local`])
      : jobType === 'NasBackup'
        ? nasJob(id, init.name, init.machines ?? [`\\\\nas01\\${slug}`])
        : vmJob(id, init.name, jobType, init.platform ?? 'VMware', init.machines ?? [slug]);
  if (init.scheduleEnabled !== undefined) job.scheduleEnabled = init.scheduleEnabled;
  if (init.description !== undefined) job.description = init.description;
  if (init.retry !== undefined) job.retry = { ...DEFAULT_RETRY, ...init.retry };
  return job;
}

function agentJob(id: string, name: string, platform: string, machines: string[]): SimJob {
  return {
    id,
    name,
    description: `Backup of ${name}`,
    kind: 'agent',
    jobType: 'AgentBackup',
    platform,
    scheduleConfigured: true,
    scheduleEnabled: true,
    schedule: daily('22:00:00.0000000+01:00', WEEK),
    includes: [{ id: randomUUID(), name }],
    machines,
    retention: { cycles: 7, days: 7 },
  };
}
