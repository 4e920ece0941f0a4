// EM Tasks: per logon session, Running → OperationFinished (at half time: the action takes effect) → Finished.
// State is stored, not polled: two scheduler events per Task move it, so GET /tasks over 10,000 Tasks stays cheap
// and onTaskFinished listeners fire as the clock passes the moment a Task becomes Finished.

import type { ScheduledEvent, SimScheduler } from './scheduler.js';

export interface TaskResult {
  success: boolean;
  message: string;
}

export interface SimTask {
  id: string;
  /** The logon session (SessionId GUID) that created it: only that session sees it (em-api.md fact 7). */
  owner: string;
  operation: string;
  state: 'Running' | 'OperationFinished' | 'Finished';
  /** The real result, set when the action took effect (OperationFinished) or on cancel. */
  result?: TaskResult;
  createdAt: number;
  finishedAt?: number;
  timer?: ScheduledEvent;
  /** Rendered forms for GET /tasks, valid while `state` is `cachedState` (a Task changes at most twice). */
  cache?: { state: string; xml?: string; json?: string };
}

interface TaskBookDeps {
  scheduler: SimScheduler;
  durationMs: () => number;
  /** Called when a Task becomes Finished (not for forgotten Tasks). */
  onFinished: (task: SimTask) => void;
  /** Called when DELETE removed a Finished Task (rather than cancelling an unfinished one). */
  onRemoved?: (task: SimTask) => void;
}

export class TaskBook {
  private counter = 0;
  private readonly byId = new Map<string, SimTask>();
  private readonly byOwner = new Map<string, Map<string, SimTask>>();

  constructor(private readonly deps: TaskBookDeps) {}

  /** `apply` runs at half time: it performs the action and returns the Task's final Result. */
  create(owner: string, operation: string, apply: () => TaskResult): SimTask {
    this.counter += 1;
    const task: SimTask = {
      id: `task-${this.counter}`,
      owner,
      operation,
      state: 'Running',
      createdAt: this.deps.scheduler.now(),
    };
    this.byId.set(task.id, task);
    let own = this.byOwner.get(owner);
    if (!own) {
      own = new Map();
      this.byOwner.set(owner, own);
    }
    own.set(task.id, task);
    const total = Math.max(0, this.deps.durationMs());
    const half = Math.floor(total / 2);
    const scheduler = this.deps.scheduler;
    task.timer = scheduler.at(task.createdAt + half, () => {
      if (task.state !== 'Running') return;
      task.result = apply();
      task.state = 'OperationFinished';
      task.timer = scheduler.at(task.createdAt + total, () => this.finish(task));
    });
    return task;
  }

  /** The Task if `owner` created it; another logon session's Task is unknown (404). */
  get(owner: string, id: string): SimTask | undefined {
    const task = this.byId.get(id);
    return task && task.owner === owner ? task : undefined;
  }

  list(owner: string): SimTask[] {
    const own = this.byOwner.get(owner);
    return own ? [...own.values()] : [];
  }

  /**
   * DELETE /tasks/{id}: a Task not yet Finished ends now with Success=false "Task was cancelled" (what it already
   * started, e.g. a backup session, keeps going); a Finished Task is removed.
   */
  cancel(task: SimTask): void {
    if (task.state === 'Finished') {
      this.remove(task);
      this.deps.onRemoved?.(task);
      return;
    }
    task.result = { success: false, message: 'Task was cancelled' };
    this.finish(task);
  }

  /** EM lost its Tasks: every GET /tasks/{id} answers 404 from now on. Actions already delivered still happen. */
  forgetAll(): void {
    this.byId.clear();
    this.byOwner.clear();
  }

  /** A logon session ended (logout or idle expiry): its Tasks go with it. */
  dropOwner(owner: string): void {
    const own = this.byOwner.get(owner);
    if (!own) return;
    for (const id of own.keys()) this.byId.delete(id);
    this.byOwner.delete(owner);
  }

  private remove(task: SimTask): void {
    task.timer?.cancel();
    this.byId.delete(task.id);
    this.byOwner.get(task.owner)?.delete(task.id);
  }

  private finish(task: SimTask): void {
    task.timer?.cancel();
    task.timer = undefined;
    if (task.state === 'Finished') return;
    task.state = 'Finished';
    task.finishedAt = this.deps.scheduler.now();
    if (this.byId.get(task.id) === task) this.deps.onFinished(task);
  }
}
