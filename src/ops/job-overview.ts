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

interface JobOverviewQuery {
  /** Case-insensitive text the job name must contain ('' for all). */
  filter: string;
  /** Only jobs whose last result is Failed. */
  failedOnly: boolean;
  /**
   * Reuse what EM said for this client within this many ms (paging through a list just shown); absent: read
   * afresh, as a typed command always does.
   */
  reuseWithinMs?: number;
}

interface Snapshot {
  at: number;
  jobs: Job[];
  last: Map<string, JobSession>;
}

/** The last full read per EM client: Next/Previous on a big estate need not re-read every page of it. */
const snapshots = new WeakMap<EmApi, Snapshot>();

/**
 * A fresh read asked for while another began at most this long before joins it: 200 people (or one burst of
 * retried commands) typing `/veeam jobs` at once make one read of the estate, not 200 of every page.
 */
const JOIN_IN_FLIGHT_MS = 2_000;
const inFlight = new WeakMap<EmApi, { at: number; read: Promise<Snapshot> }>();

/**
 * Two reads whatever the estate's size: every job (all pages) and the sessions that ended recently (all pages),
 * never one request per job; none when a recent read may be reused. Rows keep listJobs' order (by name).
 */
export async function jobOverview(em: EmApi, now: number, query: JobOverviewQuery): Promise<JobRow[]> {
  const { jobs, last } = await readEstate(em, now, query.reuseWithinMs);
  const filter = query.filter.toLowerCase();
  return jobs
    .filter((job) => job.name.toLowerCase().includes(filter))
    .map((job) => ({ job, last: last.get(job.id) }))
    .filter((row) => !query.failedOnly || row.last?.result === 'Failed');
}

async function readEstate(em: EmApi, now: number, reuseWithinMs: number | undefined): Promise<Snapshot> {
  const cached = snapshots.get(em);
  if (
    reuseWithinMs !== undefined &&
    cached !== undefined &&
    now - cached.at >= 0 &&
    now - cached.at < reuseWithinMs
  )
    return cached;
  const running = inFlight.get(em);
  if (running !== undefined && now - running.at >= 0 && now - running.at < JOIN_IN_FLIGHT_MS)
    return running.read;
  const read = readAfresh(em, now);
  inFlight.set(em, { at: now, read });
  try {
    return await read;
  } finally {
    if (inFlight.get(em)?.read === read) inFlight.delete(em);
  }
}

async function readAfresh(em: EmApi, now: number): Promise<Snapshot> {
  const [jobs, sessions] = await Promise.all([
    em.listJobs(),
    em.querySessions({ endedSince: new Date(now - LAST_RESULT_DAYS * DAY_MS) }),
  ]);
  const snapshot = { at: now, jobs, last: newestByJob(sessions) };
  snapshots.set(em, snapshot);
  return snapshot;
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
