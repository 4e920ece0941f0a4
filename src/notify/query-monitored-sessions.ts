// The monitor's EM query per poll (a second with long-running posts on): which sessions it asks for, and which of
// the answers it reports. Every job's sessions in one query, never one request per job; em.querySessions reads
// BackupJobSession and ReplicaJobSession, every page, so one "query" is at least two requests.

import type { EmApi } from '../em/api.js';
import type { JobKind, JobSession } from '../em/types.js';
import type { Logger } from '../log/logger.js';

/** Per-machine children of an agent run: each would repeat its AgentBackup parent (em-api.md §4.4). */
const FOLDED_JOB_TYPES = ['AgentManagement'];
/** The JobTypes the bot knows, and the job kind each belongs to (em-api.md fact 15). */
const KIND_OF_JOB_TYPE: Record<string, JobKind> = {
  AgentBackup: 'agent',
  Backup: 'vm-backup',
  Replica: 'replica',
  BackupCopy: 'backup-copy',
  ImmediateBackupCopy: 'backup-copy',
  NasBackup: 'file-share',
};
const RUNNING_STATES = ['Working', 'Starting'];
/**
 * Each query reaches back this far before the last poll: EM collects sessions from the backup servers with a delay,
 * so a session can show up with an EndTime slightly in the past; the seen set keeps the overlap from repeating posts.
 */
export const QUERY_OVERLAP_MS = 15 * 60_000;

export interface MonitoredSessions {
  ended: JobSession[];
  /** Running sessions; undefined when long-running posts are off (then no second query). */
  running?: JobSession[];
}

/**
 * Sessions that ended since `sinceMs` (minus the overlap), and those running now; rejects with EM's error. No
 * JobType filter: a JobType the bot does not know yet is still reported (EM's filter cannot say "all but one").
 */
export async function queryMonitoredSessions(
  em: EmApi,
  options: { sinceMs: number; withRunning: boolean },
): Promise<MonitoredSessions> {
  const ended = await em.querySessions({ endedSince: new Date(options.sinceMs - QUERY_OVERLAP_MS) });
  if (!options.withRunning) return { ended };
  return { ended, running: await queryRunningSessions(em) };
}

/** Sessions running now (every kind); rejects with EM's error. */
export function queryRunningSessions(em: EmApi): Promise<JobSession[]> {
  return em.querySessions({ states: RUNNING_STATES });
}

function isReported(session: JobSession): boolean {
  return !FOLDED_JOB_TYPES.includes(session.jobType);
}

/** An ended session the monitor reports (every kind but the folded per-machine children). */
export function isReportedEnded(session: JobSession): boolean {
  return isReported(session) && session.endTime !== undefined;
}

export function isReportedRunning(session: JobSession): boolean {
  return isReported(session) && RUNNING_STATES.includes(session.state);
}

/** The job kind a session's JobType belongs to; undefined for a JobType the bot does not know. */
export function jobKindOf(jobType: string): JobKind | undefined {
  return Object.hasOwn(KIND_OF_JOB_TYPE, jobType) ? KIND_OF_JOB_TYPE[jobType] : undefined;
}

/** Logs each unknown JobType once per monitor (`noted` remembers them): reported like any job, never dropped. */
export function noteUnknownJobTypes(sessions: JobSession[], noted: Set<string>, logger: Logger): void {
  for (const session of sessions) {
    const type = session.jobType;
    if (!isReported(session) || jobKindOf(type) !== undefined || noted.has(type)) continue;
    noted.add(type);
    logger.warn(
      'EM reported a session of a JobType the bot does not know; it is reported like any other job',
      {
        jobType: type,
        sessionId: session.id,
        jobName: session.jobName,
      },
    );
  }
}
