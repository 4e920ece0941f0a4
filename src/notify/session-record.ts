// What the monitor keeps of an EM backup session (no links, no hrefs), and when it ended.

import type { BackupSession } from '../em/types.js';
import type { SessionRecord } from './monitor-state.js';

export function toSessionRecord(session: BackupSession): SessionRecord {
  return {
    id: session.id,
    jobId: session.jobId,
    jobName: session.jobName,
    jobType: session.jobType,
    result: session.result,
    ...(session.failureMessage ? { failureMessage: session.failureMessage } : {}),
    creationTime: session.creationTime,
    ...(session.endTime !== undefined ? { endTime: session.endTime } : {}),
    progress: session.progress,
  };
}

/** The session's end time in epoch ms; `fallback` when EM gave none or an unreadable one. */
export function endMs(session: BackupSession, fallback: number): number {
  const ms = session.endTime === undefined ? Number.NaN : Date.parse(session.endTime);
  return Number.isNaN(ms) ? fallback : ms;
}
