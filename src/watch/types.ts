// The contract between whoever starts an EM action (Slack surface, incident buttons) and the Task watcher.

import type { ActionName } from '../config.js';

export type WatchTarget =
  | { kind: 'job'; jobId: string; jobName: string }
  | { kind: 'session'; sessionId: string; sessionName?: string; jobId?: string; jobName?: string };

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

/** What the Slack surface needs from the watcher. */
export interface TaskWatchSink {
  watch(spec: WatchSpec): void;
  /** Cancel button: DELETE /tasks/{id} and tell the thread. Permission is checked by the caller. */
  cancel(taskId: string, byUser: string): Promise<void>;
}
