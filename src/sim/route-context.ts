// What every route handler works on: the base URL, the inventory, the Task book, logon sessions and knobs;
// plus the two answers several routes share (an action's 202 + Task, a session entity).

import type { LogonSessions } from './auth.js';
import type { El } from './em-element.js';
import type { Answer, SimRequest } from './http-answer.js';
import type { Inventory } from './inventory.js';
import type { SimJob, SimSession } from './inventory-model.js';
import type { PlannedAction } from './job-actions.js';
import { taskEl } from './representations.js';
import { sessionEntityEl } from './session-representations.js';
import type { TaskBook } from './task-book.js';
import type { SimKnobs } from './types.js';

export interface SimContext {
  /** http(s)://host:port/api: every Href starts with it. */
  readonly base: string;
  readonly inventory: Inventory;
  readonly tasks: TaskBook;
  readonly logons: LogonSessions;
  readonly knobs: SimKnobs;
}

/** Every action answers 202 Accepted with a Running Task (em-api.md fact 4). */
export function startTask(ctx: SimContext, r: SimRequest, plan: PlannedAction): Answer {
  const task = ctx.tasks.create(r.session.id, plan.operation, plan.apply);
  return { status: 202, body: taskEl(ctx.base, task) };
}

export function sessionEntity(ctx: SimContext, session: SimSession): El {
  const job = ctx.inventory.job(session.jobId) as SimJob;
  return sessionEntityEl(ctx.base, session, job, {
    progress: ctx.inventory.progress(session),
    failureMessage: ctx.knobs.failureMessageOnSessions === true,
  });
}
