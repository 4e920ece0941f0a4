// EM's XML and JSON bodies → our types: the public face of em/parse-*.ts, which are the only modules that know
// EM's raw shapes (em-api.md §7, §8). parse-raw.ts brings both formats to one shape; the others map it.

import { toJob } from './parse-job.js';
import { entityPage, referencePage, toEntityRef } from './parse-query.js';
import {
  bool,
  type DocShape,
  type EmFormat,
  findItems,
  hasUid,
  int,
  isPresent,
  lastPathSegment,
  obj,
  type Raw,
  readDocument,
  requireField,
  sniffFormat,
  str,
  stripBom,
  toLinks,
} from './parse-raw.js';
import { toJobSession, toTaskSession } from './parse-session.js';
import type { EntityRef, Job, JobSession, QueryPage, SessionKind, Task, TaskSession } from './types.js';

export { type EmFormat, idFromUid, notEmAnswer, sniffFormat } from './parse-raw.js';

/** The logon answer's body: SessionId is what DELETE /logonSessions/{id} takes (em-api.md §2.2, §2.4). */
interface LogonSessionInfo {
  sessionId?: string;
  userName?: string;
}

/** EM's Error body (em-api.md §6); every field optional because EM fills them unevenly. */
interface EmErrorBody {
  message?: string;
  statusCode?: number;
  status?: string;
}

// What each answer must look like to be EM's (parse-raw.ts DocShape): XML root names, or JSON top-level keys.
const JOB: DocShape = { roots: ['Job', 'AgentBackupJob', 'NasJob', 'NASJob'], keys: ['UID'] };
const JOB_LIST: DocShape = {
  roots: ['Jobs', 'AgentBackupJobs', 'AgentJobs', 'NASJobs', 'NasJobs', 'EntityReferences'],
  keys: ['Jobs', 'AgentBackupJobs', 'AgentJobs', 'NASJobs', 'NasJobs', 'Refs'],
};
const ENTITY_QUERY: DocShape = { roots: ['QueryResult'], keys: ['Entities'] };
const REF_QUERY: DocShape = { roots: ['QueryResult'], keys: ['Refs'] };
const JOB_SESSION: DocShape = { roots: ['BackupJobSession', 'ReplicaJobSession'], keys: ['UID'] };
const JOB_SESSION_LIST: DocShape = {
  roots: ['BackupJobSessions', 'ReplicaJobSessions'],
  keys: ['BackupJobSessions', 'ReplicaJobSessions'],
};
const TASK_SESSION_LIST: DocShape = {
  roots: ['BackupTaskSessions', 'ReplicaTaskSessions'],
  keys: ['BackupTaskSessions', 'ReplicaTaskSessions'],
};
const TASK: DocShape = { roots: ['Task'], keys: ['TaskId'] };
const TASK_LIST: DocShape = { roots: ['Tasks'], keys: ['Tasks'] };
const LOGON_SESSION: DocShape = { roots: ['LogonSession'], keys: ['SessionId', 'UserName', 'Href'] };
const ERROR: DocShape = { roots: ['Error'], keys: ['Message', 'StatusCode', 'Status'] };

// ---------------------------------------------------------------------------------------------------------------
// Jobs

/** One job entity of any kind (GET /jobs/{id}, /agents/jobs/{id}, /nas/jobs/{id} with format=Entity). */
export function parseJob(body: string, format: EmFormat): Job {
  return toJob(readDocument(body, format, 'Job', JOB));
}

/** A plain job collection (`{"Jobs":[…]}`, `{"NASJobs":[…]}`, `<Jobs>`) or a query result holding jobs. */
export function parseJobs(body: string, format: EmFormat): Job[] {
  return findItems(readDocument(body, format, 'Job list', JOB_LIST), hasUid).map(toJob);
}

/** One page of `/query?type=Job|AgentBackupJob|NasJob&format=Entities`. */
export function parseJobQueryPage(body: string, format: EmFormat): QueryPage<Job> {
  const page = entityPage(
    readDocument(body, format, 'QueryResult of jobs', ENTITY_QUERY),
    'QueryResult of jobs',
  );
  return { ...page, items: page.items.map(toJob) };
}

// ---------------------------------------------------------------------------------------------------------------
// Sessions

export function parseJobSession(body: string, format: EmFormat, kind?: SessionKind): JobSession {
  return toJobSession(readDocument(body, format, 'job session', JOB_SESSION), kind);
}

/** A plain session collection (`{"BackupJobSessions":[…]}`, `{"ReplicaJobSessions":[…]}`). */
export function parseJobSessions(body: string, format: EmFormat, kind?: SessionKind): JobSession[] {
  return findItems(readDocument(body, format, 'job session list', JOB_SESSION_LIST), hasUid).map((raw) =>
    toJobSession(raw, kind),
  );
}

/** One page of `/query?type=BackupJobSession|ReplicaJobSession&format=Entities`. */
export function parseSessionQueryPage(
  body: string,
  format: EmFormat,
  kind: SessionKind,
): QueryPage<JobSession> {
  const what = 'QueryResult of job sessions';
  const page = entityPage(readDocument(body, format, what, ENTITY_QUERY), what);
  return { ...page, items: page.items.map((raw) => toJobSession(raw, kind)) };
}

/** `GET /backupSessions/{id}/taskSessions?format=Entity` or `/replicaSessions/{id}/replicaTaskSessions?format=Entity`. */
export function parseTaskSessions(body: string, format: EmFormat): TaskSession[] {
  return findItems(readDocument(body, format, 'task session list', TASK_SESSION_LIST), hasUid).map(
    toTaskSession,
  );
}

/** One page of a References answer (`Refs.Refs[]`). */
export function parseRefQueryPage(body: string, format: EmFormat): QueryPage<EntityRef> {
  const page = referencePage(readDocument(body, format, 'QueryResult of references', REF_QUERY));
  return { ...page, items: page.items.map(toEntityRef) };
}

// ---------------------------------------------------------------------------------------------------------------
// Tasks, logon, errors

export function parseTask(body: string, format: EmFormat): Task {
  return toTask(readDocument(body, format, 'Task', TASK));
}

export function parseTasks(body: string, format: EmFormat): Task[] {
  return findItems(readDocument(body, format, 'Task list', TASK_LIST), (item) => 'TaskId' in item).map(
    toTask,
  );
}

export function parseLogonSession(body: string, format: EmFormat): LogonSessionInfo {
  const doc = readDocument(body, format, 'LogonSession', LOGON_SESSION);
  const href = str(doc.Href);
  return {
    sessionId: str(doc.SessionId) ?? (href ? lastPathSegment(href) : undefined),
    userName: str(doc.UserName),
  };
}

/** EM's Error body in whichever format came back; undefined when the body is not an Error at all. */
export function parseError(body: string): EmErrorBody | undefined {
  if (stripBom(body).trim() === '') return undefined;
  try {
    const doc = readDocument(body, sniffFormat(body), 'Error', ERROR);
    const message = str(doc.Message);
    const statusCode = int(doc.StatusCode);
    const status = str(doc.Status);
    if (message === undefined && statusCode === undefined && status === undefined) return undefined;
    return { message, statusCode, status };
  } catch {
    return undefined;
  }
}

function toTask(raw: Raw): Task {
  const id = requireField(raw, 'TaskId', 'Task');
  const result = isPresent(raw.Result) ? obj(raw.Result) : undefined;
  return {
    id,
    href: str(raw.Href) ?? '',
    // Unknown states pass through untouched: the watcher keeps polling them (em-api.md fact 5).
    state: str(raw.State) ?? '',
    operation: str(raw.Operation) ?? '',
    result: result
      ? { success: bool(result.Success) ?? false, message: str(result.Message) ?? '' }
      : undefined,
    links: toLinks(raw.Links),
  };
}
