// What the monitor keeps of an EM job session (no links, no hrefs), and when it ended.

import type { JobSession } from '../em/types.js';
import type { SessionRecord, TaskReasons } from './monitor-state.js';

/** `taskReasons`: why a problem run failed, read from its task sessions (problem-details.ts). */
export function toSessionRecord(session: JobSession, taskReasons?: TaskReasons): SessionRecord {
  return {
    id: session.id,
    jobId: session.jobId,
    jobName: session.jobName,
    jobType: session.jobType,
    sessionKind: session.kind,
    result: session.result,
    ...(session.failureMessage ? { failureMessage: session.failureMessage } : {}),
    ...(taskReasons !== undefined ? { taskReasons } : {}),
    creationTime: session.creationTime,
    ...(session.endTime !== undefined ? { endTime: session.endTime } : {}),
    progress: session.progress,
    ...(session.isRetry ? { isRetry: true } : {}),
  };
}

/** The session's end time in epoch ms; `fallback` when EM gave none or an unreadable one. */
export function endMs(session: Pick<JobSession, 'endTime'>, fallback: number): number {
  const ms = session.endTime === undefined ? Number.NaN : Date.parse(session.endTime);
  return Number.isNaN(ms) ? fallback : ms;
}
