// Keeps the logon session's Task list small (em-api.md fact 14: GET /tasks returns every Task the session ever
// created). A Task is deleted only once it is Finished and the watch that waited on it has its result on disk
// (the report in the saved outbox, or the record that reads the job next), never before: DELETE on an unfinished
// Task would cancel it. Finished Tasks nobody waits on (left by a crash between save and delete, or an action
// never handed to the watcher) are swept from the GET /tasks the watcher reads anyway.

import type { Clock } from '../clock.js';
import type { EmApi } from '../em/api.js';
import { isEmError } from '../em/errors.js';
import type { Task } from '../em/types.js';
import type { Logger } from '../log/logger.js';
import type { EmCalls } from './em-calls.js';
import { isUnknownToEm } from './is-unknown-to-em.js';
import type { WatchSaver } from './watch-saver.js';
import type { WatcherCounters } from './watcher-stats.js';

interface TaskCleanupDeps {
  em: EmApi;
  calls: EmCalls;
  saver: WatchSaver;
  counters: WatcherCounters;
  logger: Logger;
  clock: Clock;
  /** Task IDs live watches still wait on (phase task): their Tasks are theirs to record first. */
  waitingTaskIds(): ReadonlySet<string>;
  wakeBy(at: number): void;
}

interface Pending {
  task: Task;
  /** Deleted only once the watcher's saved changes reach this count (0: nothing of ours to save first). */
  savedBy: number;
  queuedAt: number;
  attempts: number;
  notBefore: number;
}

/** Attempts per Task before it is left to the sweep (a later GET /tasks that still lists it). */
const MAX_ATTEMPTS = 4;
/** A Task read this recently is deleted as read; an older one is read again first (deleteFinishedTask by ID). */
const FRESH_MS = 30_000;

export class TaskCleanup {
  private readonly pending = new Map<string, Pending>();
  private readonly inFlight = new Set<string>();
  /** Finished Tasks nobody waits on → when a list first showed them (the sweep's grace). */
  private readonly seenFinished = new Map<string, number>();

  constructor(private readonly deps: TaskCleanupDeps) {}

  /** Deletions not yet done (tests, stats). */
  get queued(): number {
    return this.pending.size;
  }

  /** A watch recorded this Finished Task's result: delete it once that change is saved. */
  recorded(task: Task): void {
    if (task.state !== 'Finished') return;
    const now = this.deps.clock.now();
    this.pending.set(task.id, {
      task,
      savedBy: this.deps.saver.seq,
      queuedAt: now,
      attempts: 0,
      notBefore: now,
    });
  }

  /**
   * A GET /tasks answered: a Finished Task no live watch waits on is deleted once lists have shown it for
   * `graceMs` (an action just sent may not be handed to the watcher yet; 0 at start: nobody else is sending yet).
   */
  sweep(list: readonly Task[], waitedOn: ReadonlySet<string>, graceMs: number): void {
    const now = this.deps.clock.now();
    // Also the watches registered while the list was on its way: their Tasks are theirs to record.
    const waiting = new Set([...waitedOn, ...this.deps.waitingTaskIds()]);
    const listed = new Set<string>();
    for (const task of list) {
      if (task.state !== 'Finished' || waiting.has(task.id) || this.pending.has(task.id)) continue;
      listed.add(task.id);
      const first = this.seenFinished.get(task.id) ?? now;
      if (now - first < graceMs) {
        this.seenFinished.set(task.id, first);
        continue;
      }
      this.seenFinished.delete(task.id);
      this.pending.set(task.id, { task, savedBy: 0, queuedAt: now, attempts: 0, notBefore: now });
    }
    for (const id of this.seenFinished.keys()) if (!listed.has(id)) this.seenFinished.delete(id);
  }

  /** Deletes every queued Task whose result is on disk; a failure is retried later, a few times. */
  async flush(): Promise<void> {
    const now = this.deps.clock.now();
    const due = [...this.pending.values()].filter(
      (p) => !this.inFlight.has(p.task.id) && p.notBefore <= now && this.deps.saver.isSaved(p.savedBy),
    );
    if (due.length === 0) return;
    const waiting = this.deps.waitingTaskIds();
    await Promise.all(due.map((p) => this.delete(p, waiting)));
  }

  /** flush() without waiting for it (errors are logged). */
  flushSoon(): void {
    this.flush().catch((error: unknown) => this.deps.logger.error('task cleanup failed', { error }));
  }

  private async delete(p: Pending, waiting: ReadonlySet<string>): Promise<void> {
    const { calls, clock, counters, em, logger } = this.deps;
    const id = p.task.id;
    if (waiting.has(id)) {
      // Task IDs are per-logon-session counters (em-api.md §3.6): the ID now names a Task a watch waits on.
      this.settle(p);
      return;
    }
    this.inFlight.add(id);
    try {
      // A Task just read Finished is deleted as read; otherwise deleteFinishedTask reads it again and refuses an
      // unfinished one (a re-logon may have given its ID to a new Task).
      const fresh = p.attempts === 0 && clock.now() - p.queuedAt < FRESH_MS;
      await calls.run('deleteTask', () => em.deleteFinishedTask(fresh ? p.task : id));
      counters.tasksDeleted += 1;
      this.settle(p);
    } catch (error) {
      if (isUnknownToEm(error) || (isEmError(error) && error.kind === 'action-unavailable')) {
        // Gone already, or the ID names an unfinished Task now: nothing of ours left to delete.
        this.settle(p);
        return;
      }
      counters.em.errors += 1;
      p.attempts += 1;
      const giveUp = p.attempts >= MAX_ATTEMPTS;
      logger.warn(
        giveUp
          ? 'could not delete a finished EM task; leaving it to a later sweep'
          : 'could not delete a finished EM task; will retry',
        { taskId: id, attempts: p.attempts, error },
      );
      if (giveUp) {
        this.settle(p);
        return;
      }
      p.notBefore = clock.now() + 1_000 * 2 ** p.attempts;
      this.deps.wakeBy(p.notBefore);
    } finally {
      this.inFlight.delete(id);
    }
  }

  /** Done with this entry (a newer one for the same ID, queued meanwhile, stays). */
  private settle(p: Pending): void {
    if (this.pending.get(p.task.id) === p) this.pending.delete(p.task.id);
  }
}
