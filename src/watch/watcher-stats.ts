// The watcher's counters (for the benchmark and tests), and the snapshot it hands out.

import type { WatchRecord } from './watch-record.js';

/** Counters for the benchmark and for tests; a snapshot, safe to keep. */
export interface WatcherStats {
  /** Watches still polling EM. */
  active: number;
  /** Watches whose polling ended but whose Slack posts are not all sent yet. */
  pendingPosts: number;
  started: number;
  resumed: number;
  finished: number;
  rounds: number;
  lastRoundMs: number;
  em: {
    listTasks: number;
    getTask: number;
    getSession: number;
    listJobSessions: number;
    getJob: number;
    /** Task sessions read to say why a followed session failed. */
    listTaskSessions: number;
    cancelTask: number;
    /** DELETE /tasks/{id} of Finished Tasks (deleteFinishedTask), tried. */
    deleteTask: number;
    errors: number;
    /** Highest number of EM requests the watcher had in flight at once. */
    peakInFlight: number;
  };
  slack: { posts: number; updates: number; failures: number; dropped: number };
  resolvedFromTarget: number;
  timeouts: number;
  /** Finished Tasks deleted from the logon session's list (their result recorded, or nobody waiting on them). */
  tasksDeleted: number;
}

export type EmCounter =
  | 'listTasks'
  | 'getTask'
  | 'getSession'
  | 'listJobSessions'
  | 'getJob'
  | 'listTaskSessions'
  | 'cancelTask'
  | 'deleteTask';

/** The live counts; each part of the watcher bumps its own. */
export class WatcherCounters {
  started = 0;
  resumed = 0;
  finished = 0;
  rounds = 0;
  lastRoundMs = 0;
  readonly em: Record<EmCounter | 'errors', number> = {
    listTasks: 0,
    getTask: 0,
    getSession: 0,
    listJobSessions: 0,
    getJob: 0,
    listTaskSessions: 0,
    cancelTask: 0,
    deleteTask: 0,
    errors: 0,
  };
  readonly slack = { posts: 0, updates: 0, failures: 0, dropped: 0 };
  resolvedFromTarget = 0;
  timeouts = 0;
  tasksDeleted = 0;
  /** Told, when the reply carrying a Task's result is posted, how long after the watcher saw the Task Finished. */
  onResultPosted: ((delayMs: number) => void) | undefined;

  snapshot(watches: readonly WatchRecord[], peakInFlight: number): WatcherStats {
    let active = 0;
    let pendingPosts = 0;
    for (const r of watches) {
      if (r.phase !== 'done') active += 1;
      else if (r.outbox.length > 0) pendingPosts += 1;
    }
    return {
      active,
      pendingPosts,
      started: this.started,
      resumed: this.resumed,
      finished: this.finished,
      rounds: this.rounds,
      lastRoundMs: this.lastRoundMs,
      em: { ...this.em, peakInFlight },
      slack: { ...this.slack },
      resolvedFromTarget: this.resolvedFromTarget,
      timeouts: this.timeouts,
      tasksDeleted: this.tasksDeleted,
    };
  }
}
