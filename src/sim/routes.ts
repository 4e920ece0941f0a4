// Request routing after authentication: logon sessions, jobs, sessions, Tasks and the query service.
// Logon itself (POST /sessionMngr) and GET /api/ are unauthenticated and handled in simulator.ts.

import type { Faults } from './faults.js';
import { type Answer, HttpError, onlyGet, requireGuid, type SimRequest, TASK_ID } from './http-answer.js';
import { routeJobs } from './job-routes.js';
import { runQuery } from './query-service.js';
import { renderJsonFragment } from './render-json.js';
import { EM_XML_NAMESPACE, renderXmlFragment } from './render-xml.js';
import { logonSessionEl, logonSessionsEl, taskEl } from './representations.js';
import type { SimContext } from './route-context.js';
import { agentSessions, routeSessions, routeTaskSession } from './session-routes.js';
import type { SimTask } from './task-book.js';

export function route(ctx: SimContext, faults: Faults, r: SimRequest): Answer {
  const [first, ...rest] = r.segments;
  switch (first?.toLowerCase()) {
    case 'logonsessions':
      return routeLogonSessions(ctx, r, rest);
    case 'agents':
      if (rest[0]?.toLowerCase() === 'jobs') return routeJobs(ctx, r, rest.slice(1), 'agent');
      if (rest[0]?.toLowerCase() === 'backupsessions' && rest.length === 1) return agentSessions(ctx, r);
      break;
    case 'jobs':
      return routeJobs(ctx, r, rest, 'vm');
    case 'nas':
      if (rest[0]?.toLowerCase() === 'jobs') return routeJobs(ctx, r, rest.slice(1), 'nas');
      break;
    case 'backupsessions':
      return routeSessions(ctx, r, rest, false);
    case 'replicasessions':
      return routeSessions(ctx, r, rest, true);
    case 'backuptasksessions':
      return routeTaskSession(ctx, r, rest, false);
    case 'replicatasksessions':
      return routeTaskSession(ctx, r, rest, true);
    case 'tasks':
      return routeTasks(ctx, r, rest);
    case 'query':
      if (rest.length === 0) return routeQuery(ctx, faults, r);
      break;
  }
  throw new HttpError(404, `Resource /${r.segments.join('/')} was not found.`);
}

function routeQuery(ctx: SimContext, faults: Faults, r: SimRequest): Answer {
  onlyGet(r);
  const failed = faults.failedQueryPage(r.params);
  if (failed) return failed;
  const body = runQuery(
    {
      base: ctx.base,
      inventory: ctx.inventory,
      tasks: () => ctx.tasks.list(r.session.id),
      failureMessageOnSessions: ctx.knobs.failureMessageOnSessions === true,
    },
    r.params,
  );
  return { status: 200, body };
}

function routeLogonSessions(ctx: SimContext, r: SimRequest, rest: string[]): Answer {
  if (rest.length === 0) {
    onlyGet(r);
    return { status: 200, body: logonSessionsEl(ctx.base, ctx.logons.list()) };
  }
  if (rest.length !== 1) throw new HttpError(404, 'Resource was not found.');
  const id = requireGuid(rest[0] as string);
  const target = ctx.logons.byId(id);
  if (!target) throw new HttpError(404, `Logon session ${id} was not found.`);
  if (r.method === 'DELETE') {
    ctx.logons.end(target);
    return { status: 204 };
  }
  onlyGet(r);
  return { status: 200, body: logonSessionEl(ctx.base, target) };
}

/**
 * GET /tasks lists this logon session's Tasks (they only pile up, em-api.md fact 14); DELETE /tasks/{id} removes
 * a Finished Task (204, gone from the list) or cancels an unfinished one.
 */
function routeTasks(ctx: SimContext, r: SimRequest, rest: string[]): Answer {
  if (rest.length === 0) {
    onlyGet(r);
    const tasks = ctx.tasks.list(r.session.id);
    return { status: 200, rawBody: (json) => tasksBody(ctx.base, tasks, json) };
  }
  const id = rest[0] as string;
  const task = rest.length === 1 && TASK_ID.test(id) ? ctx.tasks.get(r.session.id, id) : undefined;
  if (!task) throw new HttpError(404, `Task with ID "${id}" was not found.`);
  if (r.method === 'DELETE') {
    ctx.tasks.cancel(task);
    return { status: 204 };
  }
  onlyGet(r);
  return { status: 200, body: taskEl(ctx.base, task) };
}

/**
 * GET /tasks body (XML <Tasks>, JSON {"Tasks":[…]}) from per-Task cached fragments: the benchmark keeps 10,000
 * Tasks in one logon session and lists them every round, and a Task's rendering only changes with its State.
 */
function tasksBody(base: string, tasks: SimTask[], json: boolean): string {
  const parts: string[] = [];
  for (const task of tasks) {
    if (task.cache?.state !== task.state) task.cache = { state: task.state };
    const cache = task.cache;
    if (json) {
      cache.json = cache.json ?? renderJsonFragment(taskEl(base, task));
      parts.push(cache.json);
    } else {
      cache.xml = cache.xml ?? renderXmlFragment(taskEl(base, task));
      parts.push(cache.xml);
    }
  }
  if (json) return `{"Tasks":[${parts.join(',')}]}`;
  return parts.length === 0
    ? `<Tasks xmlns="${EM_XML_NAMESPACE}" />`
    : `<Tasks xmlns="${EM_XML_NAMESPACE}">${parts.join('')}</Tasks>`;
}
