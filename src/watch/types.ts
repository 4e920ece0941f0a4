// The contract between whoever starts an EM action (Slack surface, incident buttons) and the Task watcher.

import type { ActionName } from '../ops/action-name.js';
import type { ActionTarget } from '../ops/intent.js';
import type { TaskCancelRefused } from './task-cancel-refused.js';

/**
 * What the action works on. `jobKind` / `sessionKind` say which EM collection to read (a state file from before
 * they existed lacks them: the watcher then asks EM to try each collection).
 */
export type WatchTarget = Exclude<ActionTarget, { kind: 'task' }>;

export interface WatchSpec {
  taskId: string;
  action: ActionName;
  target: WatchTarget;
  /** Where the result goes: the thread under the message that started the action. */
  channel: string;
  threadTs: string;
  /** The parent message is updated with the outcome (chat.update) when set; it is the bot's own message. */
  parentTs?: string;
  requestedBy: string;
  approvedBy?: string;
  /** Epoch ms when the action was sent to EM; start/retry use it to find the backup session they created. */
  requestedAt: number;
  /** For enable/disable: the ScheduleEnabled state the user wanted, read back after the Task. */
  wantedScheduleEnabled?: boolean;
}

export interface WatchOptions {
  /**
   * Post the parent's "running" state (with its Cancel button, and `note` under it), as the first parent update of
   * the watch's ordered outbox: saved with the watch, retried like any post, never shown after a result.
   */
  runningParent?: { note?: string };
}

/** One live watch as TaskWatcher.watching() lists it (the Home tab shows its spec: what, by whom, which thread). */
export interface WatchingEntry {
  key: string;
  taskId: string;
  action: string;
  phase: string;
  pendingPosts: number;
  spec: Readonly<WatchSpec>;
}

/** What the Slack surface needs from the watcher. */
export interface TaskWatchSink {
  watch(spec: WatchSpec, options?: WatchOptions): void;
  /**
   * Cancel button: DELETE /tasks/{id} and tell the thread. Permission is checked by the caller. Rejects with
   * TaskCancelRefused (nothing deleted) unless a live watch waits on the Task and EM shows it unfinished.
   */
  cancel(taskId: string, byUser: string): Promise<void>;
  /**
   * The same checks as cancel() without the DELETE: the refusal cancel() would give now, if any. `card.watchKey`
   * (from the running parent's block ID) also refuses when the task ID now belongs to another watch.
   */
  checkCancel?(taskId: string, card?: { watchKey?: string }): Promise<TaskCancelRefused | undefined>;
}
