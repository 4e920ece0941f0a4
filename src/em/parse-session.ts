// EM job sessions (BackupJobSession, ReplicaJobSession) and their task sessions in raw JSON shape → our types.

import { bool, idFromUid, int, type Raw, requireField, str, toLinks, uidType } from './parse-raw.js';
import type { JobSession, SessionKind, TaskSession } from './types.js';

/** ReplicaJobSession / ReplicaTaskSession by Type or UID; everything else lives under /backupSessions. */
function sessionKindOf(raw: Raw, uid: string): SessionKind {
  const type = (str(raw.Type) ?? uidType(uid)).toLowerCase();
  return type.startsWith('replica') ? 'replica' : 'backup';
}

/** `kind` from the request when the caller knows it (the query type asked for), else from the entity itself. */
export function toJobSession(raw: Raw, kind?: SessionKind): JobSession {
  const uid = requireField(raw, 'UID', 'job session');
  const jobUid = str(raw.JobUid) ?? '';
  return {
    kind: kind ?? sessionKindOf(raw, uid),
    id: idFromUid(uid),
    uid,
    name: str(raw.Name) ?? '',
    href: str(raw.Href) ?? '',
    jobUid,
    jobId: jobUid ? idFromUid(jobUid) : '',
    jobName: str(raw.JobName) ?? '',
    jobType: str(raw.JobType) ?? '',
    creationTime: str(raw.CreationTimeUTC) ?? str(raw.CreationTime) ?? '',
    endTime: str(raw.EndTimeUTC) ?? str(raw.EndTime),
    state: str(raw.State) ?? '',
    result: str(raw.Result) ?? 'None',
    progress: int(raw.Progress) ?? 0,
    // Recorded null on real Failed and Warning sessions (em-api.md fact 12): the reason is on the task sessions.
    failureMessage: str(raw.FailureMessage),
    isRetry: bool(raw.IsRetry) ?? false,
    links: toLinks(raw.Links),
  };
}

export function toTaskSession(raw: Raw): TaskSession {
  const uid = requireField(raw, 'UID', 'task session');
  const name = str(raw.Name) ?? '';
  const endTime = str(raw.EndTimeUTC) ?? str(raw.EndTime);
  const reason = str(raw.Reason)?.trim();
  const totalSize = int(raw.TotalSize);
  const task: TaskSession = {
    kind: sessionKindOf(raw, uid),
    id: idFromUid(uid),
    uid,
    name,
    objectName: str(raw.VmDisplayName) ?? str(raw.ObjectName) ?? name.split('@')[0] ?? name,
    href: str(raw.Href) ?? '',
    jobSessionUid: str(raw.JobSessionUid) ?? '',
    state: str(raw.State) ?? '',
    result: str(raw.Result) ?? 'None',
    creationTime: str(raw.CreationTimeUTC) ?? str(raw.CreationTime) ?? '',
    links: toLinks(raw.Links),
  };
  if (reason) task.reason = reason;
  if (endTime !== undefined) task.endTime = endTime;
  if (totalSize !== undefined) task.totalSize = totalSize;
  return task;
}
