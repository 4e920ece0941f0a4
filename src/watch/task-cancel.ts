// The Cancel protocol: DELETE /tasks/{id} only for a Task a live watch waits on and a fresh GET shows still ours
// and unfinished. A task ID on an old card may name a newer Task after a re-logon (em-api.md §3.6), and DELETE on
// a Finished Task only removes it (§3.5) while the backup it started runs on.

import type { Clock } from '../clock.js';
import type { EmApi } from '../em/api.js';
import type { Task } from '../em/types.js';
import type { Logger } from '../log/logger.js';
import type { EmCalls } from './em-calls.js';
import { isUnknownToEm } from './is-unknown-to-em.js';
import type { ListCadence } from './list-cadence.js';
import type { Outbox } from './outbox.js';
import type { RoundTimer } from './round-timer.js';
import { TaskCancelRefused } from './task-cancel-refused.js';
import type { TaskPoller } from './task-poller.js';
import type { WatchRecord } from './watch-record.js';
import type { WatchSaver } from './watch-saver.js';
import { taskMatchesSpec } from './watch-steps.js';
import type { WatchTable } from './watch-table.js';

interface TaskCancelDeps {
  em: EmApi;
  calls: EmCalls;
  watches: WatchTable;
  poller: TaskPoller;
  outbox: Outbox;
  saver: WatchSaver;
  cadence: ListCadence;
  timer: RoundTimer;
  clock: Clock;
  logger: Logger;
  /** After a save that recorded a Finished Task: delete it (task-cleanup.ts). */
  afterSave(): unknown;
}

export class TaskCancel {
  constructor(private readonly deps: TaskCancelDeps) {}

  /** DELETE /tasks/{id}, then tell the thread who cancelled; the watch ends with the Task's final state as usual. */
  async cancel(taskId: string, byUser: string): Promise<void> {
    const { calls, em, outbox, saver, cadence, timer } = this.deps;
    const record = await this.cancellableWatch(taskId);
    try {
      await calls.run('cancelTask', () => em.cancelTask(taskId));
    } catch (err) {
      // Gone between our GET and the DELETE: nothing was cancelled; the next poll resolves it from the target.
      if (isUnknownToEm(err)) throw new TaskCancelRefused('gone', taskId);
      throw err;
    }
    // A round saw the Task Finished while the DELETE was on its way: it hit a finished Task and cancelled nothing.
    if (record.phase !== 'task') throw new TaskCancelRefused('finished', taskId);
    this.deps.logger.info('EM task cancelled', { taskId, byUser });
    record.cancelledBy = byUser;
    const now = this.deps.clock.now();
    outbox.enqueue(record, 'reply', { type: 'cancelled', byUser });
    // Read the final state soon: a fresh list for a Task watch.
    record.nextPollAt = now;
    cadence.dueBy(now);
    saver.changed();
    await saver.saveNow();
    outbox.deliver(record);
    timer.schedule();
  }

  /** What cancel() would refuse now, without deleting anything (the Cancel button asks before its approval). */
  async check(taskId: string, card: { watchKey?: string } = {}): Promise<TaskCancelRefused | undefined> {
    try {
      if (card.watchKey !== undefined) {
        // The card belongs to one watch: the task ID must still be that watch's, not a newer request's.
        const mine = this.deps.watches.get(card.watchKey);
        if (mine === undefined) return new TaskCancelRefused('not-watched', taskId);
        if (mine.spec.taskId !== taskId || this.newestWatchOf(taskId) !== mine) {
          return new TaskCancelRefused('gone', taskId);
        }
      }
      await this.cancellableWatch(taskId);
      return undefined;
    } catch (err) {
      if (err instanceof TaskCancelRefused) return err;
      throw err;
    }
  }

  /**
   * The live Task-phase watch that owns this ID, once a fresh GET shows its Task unfinished and still the action
   * it watches. A Task found Finished is handed to the watch at once, so it moves on (e.g. to the backup session).
   */
  private async cancellableWatch(taskId: string): Promise<WatchRecord> {
    const owner = this.newestWatchOf(taskId);
    if (owner === undefined) throw new TaskCancelRefused('not-watched', taskId);
    if (owner.phase !== 'task') throw new TaskCancelRefused('finished', taskId);
    let task: Task;
    try {
      task = await this.deps.calls.run('getTask', () => this.deps.em.getTask(taskId));
    } catch (err) {
      if (isUnknownToEm(err)) throw new TaskCancelRefused('gone', taskId);
      throw err;
    }
    // The GET took a while: a round may have moved the watch on, or a newer watch may own the ID now.
    if (this.newestWatchOf(taskId) !== owner) throw new TaskCancelRefused('not-watched', taskId);
    if (owner.phase !== 'task') throw new TaskCancelRefused('finished', taskId);
    if (!taskMatchesSpec(owner.spec, task)) throw new TaskCancelRefused('gone', taskId);
    if (task.state === 'Finished') {
      this.deps.poller.onTaskFinished(owner, task);
      if (await this.deps.saver.saveNow()) this.deps.afterSave();
      this.deps.outbox.deliver(owner);
      this.deps.timer.schedule();
      throw new TaskCancelRefused('finished', taskId);
    }
    return owner;
  }

  /** The newest request with this task ID owns it (em-api.md fact 7); O(watches). */
  private newestWatchOf(taskId: string): WatchRecord | undefined {
    let newest: WatchRecord | undefined;
    for (const r of this.deps.watches.values()) {
      if (r.spec.taskId !== taskId) continue;
      if (newest === undefined || r.spec.requestedAt > newest.spec.requestedAt) newest = r;
    }
    return newest;
  }
}
