// The monitor's one EM query per poll (two with long-running posts on): which sessions it asks for, and which of the
// answers it reports. Every job's sessions in one request, never one request per job.

import type { EmApi } from '../em/api.js';
import type { BackupSession } from '../em/types.js';

/** VM job sessions and agent PARENT sessions; per-machine AgentManagement children would repeat the parent (em-api.md §4.4). */
const REPORTED_JOB_TYPES = ['Backup', 'AgentBackup'];
const RUNNING_STATES = ['Working', 'Starting'];
/**
 * Each query reaches back this far before the last poll: EM collects sessions from the backup servers with a delay,
 * so a session can show up with an EndTime slightly in the past; the seen set keeps the overlap from repeating posts.
 */
export const QUERY_OVERLAP_MS = 15 * 60_000;

export interface MonitoredSessions {
  ended: BackupSession[];
  /** Running sessions; undefined when long-running posts are off (then no second query). */
  running?: BackupSession[];
}

/** Sessions that ended since `sinceMs` (minus the overlap), and those running now; rejects with EM's error. */
export async function queryMonitoredSessions(
  em: EmApi,
  options: { sinceMs: number; withRunning: boolean },
): Promise<MonitoredSessions> {
  const ended = await em.querySessions({
    endedSince: new Date(options.sinceMs - QUERY_OVERLAP_MS),
    jobTypes: REPORTED_JOB_TYPES,
  });
  if (!options.withRunning) return { ended };
  const running = await em.querySessions({ states: RUNNING_STATES, jobTypes: REPORTED_JOB_TYPES });
  return { ended, running };
}

/** An ended session of a job kind the monitor reports (EM's filter is trusted, but not blindly). */
export function isReportedEnded(session: BackupSession): boolean {
  return REPORTED_JOB_TYPES.includes(session.jobType) && session.endTime !== undefined;
}

export function isReportedRunning(session: BackupSession): boolean {
  return REPORTED_JOB_TYPES.includes(session.jobType) && RUNNING_STATES.includes(session.state);
}
