// Job sessions and their task sessions over EM: one session, stop through its Stop link, every session a query
// matches (backup and replica, all pages), the per-object task sessions, and removing a finished Task.

import { actionLinkPath, findActionLink } from './action-link.js';
import { EmError } from './errors.js';
import { requireGuid, requireTaskId } from './ids.js';
import { timeOf } from './job-calls.js';
import {
  type EmFormat,
  parseJobSession,
  parseSessionQueryPage,
  parseTask,
  parseTaskSessions,
} from './parse.js';
import { sessionQueryPath } from './query-filter.js';
import { allRead, readAllPages } from './query-pager.js';
import type { EmRequester } from './requester.js';
import type { JobSession, SessionKind, SessionQuery, Task, TaskSession } from './types.js';

const SESSION_COLLECTION: Record<SessionKind, string> = {
  backup: '/backupSessions',
  replica: '/replicaSessions',
};

const QUERY_TYPE: Record<SessionKind, 'BackupJobSession' | 'ReplicaJobSession'> = {
  backup: 'BackupJobSession',
  replica: 'ReplicaJobSession',
};

/**
 * GET /backupSessions/{id}?format=Entity, or /replicaSessions/{id}?format=Entity for a replication session. Without
 * a kind (a bare GUID from a button), a 404 from /backupSessions tries /replicaSessions.
 */
export async function getJobSession(em: EmRequester, id: string, kind?: SessionKind): Promise<JobSession> {
  const guid = requireGuid(id, 'session ID');
  const read = (k: SessionKind) =>
    em.read('GET', `${SESSION_COLLECTION[k]}/${guid}?format=Entity`, (body, format) =>
      parseJobSession(body, format, k),
    );
  if (kind !== undefined) return read(kind);
  try {
    return await read('backup');
  } catch (err) {
    if (!(err instanceof EmError && err.kind === 'http' && err.status === 404)) throw err;
    return read('replica');
  }
}

/**
 * POST to the session's validated Stop link; without one, a backup session falls back to the documented
 * /backupSessions/{id}?action=stop, and a replica session is refused (no documented fallback).
 */
export async function stopJobSession(em: EmRequester, session: JobSession): Promise<Task> {
  const guid = requireGuid(session.id, 'session ID');
  const collection = SESSION_COLLECTION[session.kind];
  const link = findActionLink(session.links, 'stop');
  if (link === undefined) {
    if (session.kind === 'backup') return em.read('POST', `${collection}/${guid}?action=stop`, parseTask);
    throw new EmError(
      'action-unavailable',
      `Enterprise Manager offers no stop for session "${session.name}" right now, so nothing was sent.`,
    );
  }
  let path: string;
  try {
    path = actionLinkPath(link, 'stop', {
      collections: [collection],
      id: guid,
      label: `session "${session.name}"`,
    });
  } catch (err) {
    em.logger.warn('Refused an EM Stop link', {
      session: session.name,
      sessionId: guid,
      href: link.href,
      error: err,
    });
    throw err;
  }
  return em.read('POST', path, parseTask);
}

/** Every BackupJobSession and ReplicaJobSession the query matches, every page, oldest first. */
export async function queryJobSessions(em: EmRequester, query: SessionQuery): Promise<JobSession[]> {
  // The two query types are independent reads: asked at once.
  const perKind = await allRead(
    (['backup', 'replica'] as const).map((kind) => sessionsOfKind(em, query, kind)),
  );
  return perKind.flat().sort((a, b) => timeOf(a.creationTime) - timeOf(b.creationTime));
}

async function sessionsOfKind(
  em: EmRequester,
  query: SessionQuery,
  kind: SessionKind,
): Promise<JobSession[]> {
  const parse = (body: string, format: EmFormat) => parseSessionQueryPage(body, format, kind);
  try {
    return await readAllPages(em, sessionQueryPath(query, QUERY_TYPE[kind]), parse);
  } catch (err) {
    // An EM that does not know ReplicaJobSession answers 400/404: its backup sessions still count.
    const unknownType =
      err instanceof EmError && err.kind === 'http' && (err.status === 400 || err.status === 404);
    if (kind === 'backup' || !unknownType) throw err;
    const level = em.firstTime(`unknown-query-type:${QUERY_TYPE[kind]}`) ? 'warn' : 'debug';
    em.logger[level]('EM does not know this query type; its sessions are not listed (logged once at warn)', {
      queryType: QUERY_TYPE[kind],
      error: err,
    });
    return [];
  }
}

/** The per-object task sessions (their Reason says why a session failed; em-api.md fact 12). */
export async function listTaskSessionsOf(
  em: EmRequester,
  session: Pick<JobSession, 'id' | 'kind'>,
): Promise<TaskSession[]> {
  const guid = requireGuid(session.id, 'session ID');
  const path =
    session.kind === 'replica'
      ? `/replicaSessions/${guid}/replicaTaskSessions?format=Entity`
      : `/backupSessions/${guid}/taskSessions?format=Entity`;
  return em.read('GET', path, parseTaskSessions);
}

/**
 * DELETE /tasks/{id} on a Task whose State is Finished, to keep the logon session's Task list from growing
 * (em-api.md fact 14). On an unfinished Task the same DELETE asks EM to stop it, so this refuses one: given an ID,
 * it reads the Task first; given a Task, it trusts that Task's state.
 */
export async function deleteFinishedTask(em: EmRequester, task: Task | string): Promise<void> {
  const id = requireTaskId(typeof task === 'string' ? task : task.id);
  const current = typeof task === 'string' ? await em.read('GET', `/tasks/${id}`, parseTask) : task;
  if (current.state !== 'Finished') {
    throw new EmError(
      'action-unavailable',
      `Task ${id} is ${current.state || 'in an unknown state'}, not Finished: deleting it would ask EM to stop it, so it was kept.`,
    );
  }
  await em.send('DELETE', `/tasks/${id}`);
}
