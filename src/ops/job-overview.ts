// Every job with its last result: EM's Job entity has none, so one session query (recent ended sessions) gives it.

import type { EmApi } from '../em/api.js';
import { timeOf } from '../em/job-calls.js';
import type { Job, JobSession } from '../em/types.js';

/** How far back a last result is looked for; a job that ran nothing since has "no recent run". */
export const LAST_RESULT_DAYS = 7;
const DAY_MS = 24 * 60 * 60 * 1000;

export interface JobRow {
  job: Job;
  /** The newest session of the job that ended in the last LAST_RESULT_DAYS; undefined when none did. */
  last?: JobSession;
}

export interface JobOverviewQuery {
  /** Case-insensitive text the job name must contain ('' for all). */
  filter: string;
  /** Only jobs whose last result is Failed. */
  failedOnly: boolean;
}

/**
 * Two reads whatever the estate's size: every job (all pages) and the sessions that ended recently (all pages),
 * never one request per job. Rows keep listJobs' order (by name).
 */
export async function jobOverview(em: EmApi, now: number, query: JobOverviewQuery): Promise<JobRow[]> {
  const [jobs, sessions] = await Promise.all([
    em.listJobs(),
    em.querySessions({ endedSince: new Date(now - LAST_RESULT_DAYS * DAY_MS) }),
  ]);
  const last = newestByJob(sessions);
  const filter = query.filter.toLowerCase();
  return jobs
    .filter((job) => job.name.toLowerCase().includes(filter))
    .map((job) => ({ job, last: last.get(job.id) }))
    .filter((row) => !query.failedOnly || row.last?.result === 'Failed');
}

/** Per job GUID, its newest ended session; per-machine AgentManagement children are their parent's business. */
function newestByJob(sessions: readonly JobSession[]): Map<string, JobSession> {
  const newest = new Map<string, JobSession>();
  for (const session of sessions) {
    if (session.jobType === 'AgentManagement' || !session.endTime) continue;
    const key = session.jobId.toLowerCase();
    const known = newest.get(key);
    if (!known || timeOf(session.endTime) >= timeOf(known.endTime ?? '')) newest.set(key, session);
  }
  return newest;
}
