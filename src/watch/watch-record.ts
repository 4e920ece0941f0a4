// One watch as it is kept in memory and in the state file: the spec, where it stands, and its unsent Slack posts.

import type { SessionKind } from '../em/types.js';
import { ACTION_NAMES } from '../ops/action-name.js';
import type { WatchSpec } from './types.js';
import type { WatchMessage, WatchPost } from './watch-publisher.js';

/**
 * task: polling the Task until Finished. read-job: enable/disable/toggle read ScheduleEnabled back.
 * find-session: start/retry look for the session the job started (stop: the job's newest session).
 * session: follow one job session (backup or replication) until Stopped. done: nothing left to poll (posts may still be pending).
 */
type WatchPhase = 'task' | 'read-job' | 'find-session' | 'session' | 'done';

/** A Slack message still to send; removed only after Slack said ok (or refused it for good). */
export interface OutboxItem extends WatchMessage {
  id: number;
}

export interface WatchRecord {
  key: string;
  spec: WatchSpec;
  phase: WatchPhase;
  /** The final Task, once seen; absent when EM forgot it. */
  task?: { success: boolean; message: string; state: string; finishedAt: number };
  /** EM no longer knew the Task (404): the result is being read from the target. */
  forgotten?: boolean;
  forgottenAt?: number;
  /** find-session: sessions created before this do not count (undefined: the newest one counts). */
  findSince?: number;
  /** find-session: give up looking for a new session after this. */
  findDeadline?: number;
  sessionId?: string;
  sessionName?: string;
  /** Which collection the followed session lives in (absent in records saved before kinds: try each). */
  sessionKind?: SessionKind;
  /** Failed attempts to read the ended session's task sessions (why it failed). */
  reasonReadFailures?: number;
  /** Last state seen in the current phase, for the timeout message. */
  lastState?: string;
  cancelledBy?: string;
  /** Set when resumed from the state file: a watch resumed past its timeout still gets a short chance. */
  resumedAt?: number;
  outbox: OutboxItem[];
  nextOutboxId: number;
  /** Polling: when next, and the (grown) interval to use after that. */
  nextPollAt: number;
  intervalMs: number;
  pollErrors: number;
  /** Slack delivery: when to try the outbox again after a failure. */
  nextDeliveryAt: number;
  deliveryFailures: number;
}

export interface SavedWatches {
  version: 1;
  watches: WatchRecord[];
}

/** Task IDs are short per-logon-session counters (em-api.md §3.6): the request time makes the key unique. */
export function watchKey(spec: Pick<WatchSpec, 'taskId' | 'requestedAt'>): string {
  return `${spec.taskId}@${spec.requestedAt}`;
}

export function newWatchRecord(spec: WatchSpec, now: number, pollIntervalMs: number): WatchRecord {
  return {
    key: watchKey(spec),
    spec,
    phase: 'task',
    outbox: [],
    nextOutboxId: 1,
    nextPollAt: now + pollIntervalMs,
    intervalMs: pollIntervalMs,
    pollErrors: 0,
    nextDeliveryAt: now,
    deliveryFailures: 0,
  };
}

/**
 * config.timeoutMinutes after the request; a watch resumed after a long outage still gets up to a minute to
 * read its result (or resolve it from the target) before the thread is told the bot gave up.
 */
export function watchDeadline(r: WatchRecord, timeoutMinutes: number): number {
  const timeoutMs = timeoutMinutes * 60_000;
  const byRequest = r.spec.requestedAt + timeoutMs;
  return r.resumedAt === undefined
    ? byRequest
    : Math.max(byRequest, r.resumedAt + Math.min(timeoutMs, 60_000));
}

/** A restored watch polls and delivers again at once; the rest of the record is as it was saved. */
export function resumeRecord(r: WatchRecord, now: number, pollIntervalMs: number): void {
  r.resumedAt = now;
  r.nextPollAt = now;
  r.intervalMs = pollIntervalMs;
  r.pollErrors = 0;
  r.nextDeliveryAt = now;
  r.deliveryFailures = 0;
  const maxId = r.outbox.reduce((m, item) => Math.max(m, item.id), 0);
  r.nextOutboxId = Math.max(typeof r.nextOutboxId === 'number' ? r.nextOutboxId : 1, maxId + 1);
}

const PHASES: readonly string[] = ['task', 'read-job', 'find-session', 'session', 'done'];

const POST_TYPES: readonly string[] = ['running', 'report', 'cancelled', 'text'];

/**
 * Reads the saved section back. Anything that does not look like a watch is skipped (and counted), so one bad
 * entry cannot stop the others from resuming; so is an outbox item that is neither ours nor an older version's.
 */
export function restoreWatches(saved: unknown): {
  records: WatchRecord[];
  skipped: number;
  droppedPosts: number;
} {
  const list = (saved as Partial<SavedWatches> | undefined)?.watches;
  if (!Array.isArray(list)) return { records: [], skipped: 0, droppedPosts: 0 };
  const records: WatchRecord[] = [];
  let skipped = 0;
  let droppedPosts = 0;
  for (const item of list) {
    if (!isWatchRecord(item)) {
      skipped += 1;
      continue;
    }
    const outbox = item.outbox.map(restoreOutboxItem);
    item.outbox = outbox.filter((o): o is OutboxItem => o !== undefined);
    droppedPosts += outbox.length - item.outbox.length;
    records.push(item);
  }
  return { records, skipped, droppedPosts };
}

/** Our items as they are; an older version's rendered Slack message (`message.text`) is kept as its text. */
function restoreOutboxItem(value: unknown): OutboxItem | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const item = value as {
    id?: unknown;
    kind?: unknown;
    post?: Partial<WatchPost>;
    message?: { text?: unknown };
  };
  if (typeof item.id !== 'number' || (item.kind !== 'reply' && item.kind !== 'parent')) return undefined;
  if (typeof item.post?.type === 'string' && POST_TYPES.includes(item.post.type)) {
    return { id: item.id, kind: item.kind, post: item.post as WatchPost };
  }
  if (typeof item.message?.text === 'string') {
    return { id: item.id, kind: item.kind, post: { type: 'text', text: item.message.text } };
  }
  return undefined;
}

function isWatchRecord(value: unknown): value is WatchRecord {
  if (!value || typeof value !== 'object') return false;
  const r = value as Partial<WatchRecord>;
  const spec = r.spec as Partial<WatchSpec> | undefined;
  return (
    typeof r.key === 'string' &&
    typeof r.phase === 'string' &&
    PHASES.includes(r.phase) &&
    Array.isArray(r.outbox) &&
    spec !== undefined &&
    typeof spec.taskId === 'string' &&
    typeof spec.channel === 'string' &&
    typeof spec.threadTs === 'string' &&
    typeof spec.requestedBy === 'string' &&
    typeof spec.requestedAt === 'number' &&
    typeof spec.action === 'string' &&
    (ACTION_NAMES as readonly string[]).includes(spec.action) &&
    typeof spec.target === 'object' &&
    spec.target !== null
  );
}
