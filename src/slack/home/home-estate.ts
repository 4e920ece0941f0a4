// The jobs as the Home tab orders them: failed and warning jobs first (with why), then those running now (with
// progress), then the rest by next scheduled run. Reads EM as `/veeam jobs` does (ops/job-overview.ts) plus one
// query for running sessions; never one request per job, except task sessions of the first few problem runs.

import type { EmApi } from '../../em/api.js';
import { timeOf } from '../../em/job-calls.js';
import type { Job, JobSession } from '../../em/types.js';
import { jobOverview } from '../../ops/job-overview.js';
import type { SessionReasons } from './session-reasons.js';

export type HomeJobGroup = 'problem' | 'running' | 'rest';

export interface HomeJob {
  job: Job;
  group: HomeJobGroup;
  /** Newest ended session (last LAST_RESULT_DAYS days). */
  last?: JobSession;
  /** The session running now, if any. */
  running?: JobSession;
  /** Problem jobs: why the last run failed (plain text), when EM told us. */
  reason?: string;
}

/** Task sessions are read for this many problem jobs at most per refresh (the rest say where to look). */
const REASON_LOOKUPS = 20;
const RUNNING_STATES = ['Working', 'Starting'];
const PROBLEM_RESULTS = ['Failed', 'Warning'];

export async function readHomeEstate(em: EmApi, now: number, reasons: SessionReasons): Promise<HomeJob[]> {
  const [rows, running] = await Promise.all([
    jobOverview(em, now, { filter: '', failedOnly: false }),
    em.querySessions({ states: RUNNING_STATES }),
  ]);
  const runningByJob = newestRunning(running);
  const jobs: HomeJob[] = rows.map(({ job, last }) => {
    const run = runningByJob.get(job.id.toLowerCase());
    const problem = last !== undefined && PROBLEM_RESULTS.includes(last.result);
    return { job, last, running: run, group: problem ? 'problem' : run ? 'running' : 'rest' };
  });
  jobs.sort(compareHomeJobs);
  const problems = jobs.filter((j) => j.group === 'problem').slice(0, REASON_LOOKUPS);
  await Promise.all(
    problems.map(async (j) => {
      if (j.last !== undefined) j.reason = await reasons.of(j.last);
    }),
  );
  return jobs;
}

function newestRunning(sessions: readonly JobSession[]): Map<string, JobSession> {
  const byJob = new Map<string, JobSession>();
  for (const s of sessions) {
    // Per-machine children of an agent run repeat their parent (em-api.md §4.4).
    if (s.jobType === 'AgentManagement' || !RUNNING_STATES.includes(s.state)) continue;
    const key = s.jobId.toLowerCase();
    const known = byJob.get(key);
    if (!known || timeOf(s.creationTime) >= timeOf(known.creationTime)) byJob.set(key, s);
  }
  return byJob;
}

const GROUP_ORDER: Record<HomeJobGroup, number> = { problem: 0, running: 1, rest: 2 };

function compareHomeJobs(a: HomeJob, b: HomeJob): number {
  const group = GROUP_ORDER[a.group] - GROUP_ORDER[b.group];
  if (group !== 0) return group;
  if (a.group === 'problem') {
    // Failed before Warning.
    const failed = Number(b.last?.result === 'Failed') - Number(a.last?.result === 'Failed');
    if (failed !== 0) return failed;
  }
  if (a.group === 'rest') {
    const next = nextRunMs(a.job) - nextRunMs(b.job);
    if (next !== 0) return next;
  }
  return a.job.name.localeCompare(b.job.name);
}

function nextRunMs(job: Job): number {
  const ms = job.nextRun ? Date.parse(job.nextRun) : Number.NaN;
  return Number.isFinite(ms) ? ms : Number.MAX_SAFE_INTEGER;
}
