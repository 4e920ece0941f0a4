// Session routes: /backupSessions and /replicaSessions (list, one, ?action=stop, task sessions, agent children),
// /agents/backupSessions, and single task sessions at /backupTaskSessions/{id} and /replicaTaskSessions/{id}.

import {
  type Answer,
  HttpError,
  isEntityFormat,
  onlyGet,
  requireGuid,
  type SimRequest,
} from './http-answer.js';
import { isReplicaSession, type SimSession } from './inventory-model.js';
import { planSessionStop } from './job-actions.js';
import { entityListEl, entityReferencesEl } from './representations.js';
import { type SimContext, sessionEntity, startTask } from './route-context.js';
import { sessionRefEl, taskSessionEntityEl, taskSessionRefEl } from './session-representations.js';

/** /backupSessions[/…] (replica = false) or /replicaSessions[/…] (replica = true). */
export function routeSessions(ctx: SimContext, r: SimRequest, rest: string[], replica: boolean): Answer {
  const label = replica ? 'Replica session' : 'Backup session';
  if (rest.length === 0) {
    onlyGet(r);
    const all = [...ctx.inventory.sessions.values()].filter((s) => isReplicaSession(s) === replica);
    return sessionList(ctx, r, all, replica);
  }
  const id = requireGuid(rest[0] as string);
  const session = ctx.inventory.session(id);
  if (!session || isReplicaSession(session) !== replica) {
    throw new HttpError(404, `${label} with ID "${id}" was not found.`);
  }
  if (rest.length === 1)
    return r.method === 'POST' ? sessionAction(ctx, r, session) : oneSession(ctx, r, session);
  const sub = rest[1]?.toLowerCase();
  if (rest.length === 2 && sub === (replica ? 'replicatasksessions' : 'tasksessions')) {
    onlyGet(r);
    return taskSessionList(ctx, r, session);
  }
  if (rest.length === 2 && sub === 'agentmanagementsessions' && !replica) {
    onlyGet(r);
    return sessionList(ctx, r, ctx.inventory.children(session.id), false);
  }
  throw new HttpError(404, 'Resource was not found.');
}

/** GET /agents/backupSessions: agent parents and their per-machine children. */
export function agentSessions(ctx: SimContext, r: SimRequest): Answer {
  onlyGet(r);
  const sessions = [...ctx.inventory.sessions.values()].filter(
    (s) => s.jobType === 'AgentBackup' || s.jobType === 'AgentManagement',
  );
  return sessionList(ctx, r, sessions, false);
}

/** GET /backupTaskSessions/{id} or /replicaTaskSessions/{id}. */
export function routeTaskSession(ctx: SimContext, r: SimRequest, rest: string[], replica: boolean): Answer {
  onlyGet(r);
  const id = requireGuid(rest[0] ?? '');
  const task = rest.length === 1 ? ctx.inventory.taskSession(id) : undefined;
  const session = task ? ctx.inventory.session(task.sessionId) : undefined;
  if (!task || !session || isReplicaSession(session) !== replica) {
    throw new HttpError(404, `Task session with ID "${id}" was not found.`);
  }
  if (!isEntityFormat(r.params)) {
    const ref = taskSessionRefEl(ctx.base, session, task);
    return { status: 200, body: { ...ref, name: 'EntityRef' } };
  }
  return { status: 200, body: taskSessionEntityEl(ctx.base, session, task) };
}

/** A collection of sessions: refs by default, entities with ?format=Entity (<BackupJobSessions>). */
export function sessionList(
  ctx: SimContext,
  r: SimRequest,
  sessions: SimSession[],
  replica: boolean,
): Answer {
  if (isEntityFormat(r.params)) {
    const name = replica ? 'ReplicaJobSessions' : 'BackupJobSessions';
    return {
      status: 200,
      body: entityListEl(
        name,
        sessions.map((s) => sessionEntity(ctx, s)),
      ),
    };
  }
  return { status: 200, body: entityReferencesEl(sessions.map((s) => sessionRefEl(ctx.base, s, 'Ref'))) };
}

function oneSession(ctx: SimContext, r: SimRequest, session: SimSession): Answer {
  onlyGet(r);
  const body = isEntityFormat(r.params)
    ? sessionEntity(ctx, session)
    : sessionRefEl(ctx.base, session, 'EntityRef');
  return { status: 200, body };
}

function sessionAction(ctx: SimContext, r: SimRequest, session: SimSession): Answer {
  const action = r.params.get('action');
  if (action?.toLowerCase() !== 'stop') {
    throw new HttpError(400, `Action "${action ?? ''}" is not supported for a job session.`);
  }
  return startTask(ctx, r, planSessionStop(ctx.inventory, session));
}

/** GET …/taskSessions: BackupTaskSessions (JSON {"BackupTaskSessions":[…]}) or their refs. */
function taskSessionList(ctx: SimContext, r: SimRequest, session: SimSession): Answer {
  if (isEntityFormat(r.params)) {
    const name = isReplicaSession(session) ? 'ReplicaTaskSessions' : 'BackupTaskSessions';
    const entities = session.tasks.map((t) => taskSessionEntityEl(ctx.base, session, t));
    return { status: 200, body: entityListEl(name, entities) };
  }
  return {
    status: 200,
    body: entityReferencesEl(session.tasks.map((t) => taskSessionRefEl(ctx.base, session, t))),
  };
}
