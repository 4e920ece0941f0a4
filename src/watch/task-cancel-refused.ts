// Why a Cancel was refused before anything was deleted: Task IDs are per-logon-session counters (em-api.md §3.6)
// and DELETE on a Finished Task merely removes it (§3.5), so only a watched, still unfinished Task is cancelled.

/**
 * not-watched: no live watch waits on this Task ID (an old card, another process, a Task never ours).
 * finished: the Task already Finished; the watch goes on (e.g. follows the backup session a start triggered).
 * gone: EM no longer knows the Task, or the ID now names another Task (a re-logon reused the counter).
 */
type CancelRefusalReason = 'not-watched' | 'finished' | 'gone';

/** Thrown by TaskWatcher.cancel(); `message` is written for the Slack user who clicked Cancel. */
export class TaskCancelRefused extends Error {
  readonly code = 'TASK_CANCEL_REFUSED';

  constructor(
    readonly reason: CancelRefusalReason,
    readonly taskId: string,
  ) {
    super(refusalText(reason, taskId));
    this.name = 'TaskCancelRefused';
  }
}

export function isTaskCancelRefused(err: unknown): err is TaskCancelRefused {
  return err instanceof TaskCancelRefused;
}

function refusalText(reason: CancelRefusalReason, taskId: string): string {
  switch (reason) {
    case 'not-watched':
      return `I am not watching EM task ${taskId}; nothing was cancelled.`;
    case 'finished':
      return `That task already finished (EM task ${taskId}); nothing was cancelled. Its result is posted in its thread.`;
    case 'gone':
      return `EM no longer knows task ${taskId} as the task I am watching (its logon session ended); nothing was cancelled. The result will still be read from the job and posted in its thread.`;
  }
}
