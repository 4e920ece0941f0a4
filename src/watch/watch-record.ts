// One watch as it is kept in memory and in the state file: the spec, where it stands, and its unsent Slack posts.

import type { JobKind, SessionKind } from '../em/types.js';
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

/**
 * Reads the saved section back. Every field of every record and outbox item is checked for its type (the file may
 * be half-written, hand-edited or from another version): a record that does not check out is skipped and counted,
 * so one bad entry cannot stop the others from resuming; an outbox item that is neither ours nor an older
 * version's is dropped and counted, its watch kept. Never throws.
 */
export function restoreWatches(saved: unknown): {
  records: WatchRecord[];
  skipped: number;
  droppedPosts: number;
} {
  if (saved === undefined) return { records: [], skipped: 0, droppedPosts: 0 };
  const list = isObject(saved) ? saved.watches : undefined;
  // A section that is not a list of watches counts as one unreadable entry, so the start logs it.
  if (!Array.isArray(list)) return { records: [], skipped: 1, droppedPosts: 0 };
  const records: WatchRecord[] = [];
  let skipped = 0;
  let droppedPosts = 0;
  for (const item of list) {
    if (!isObject(item) || !RECORD(item) || !Array.isArray(item.outbox)) {
      skipped += 1;
      continue;
    }
    const outbox = item.outbox.map(restoreOutboxItem);
    const kept = outbox.filter((o): o is OutboxItem => o !== undefined);
    droppedPosts += outbox.length - kept.length;
    records.push({ ...(item as unknown as WatchRecord), outbox: kept });
  }
  return { records, skipped, droppedPosts };
}

/** Our items as they are; an older version's rendered Slack message (`message.text`) is kept as its text. */
function restoreOutboxItem(value: unknown): OutboxItem | undefined {
  if (!isObject(value) || !num(value.id) || (value.kind !== 'reply' && value.kind !== 'parent')) {
    return undefined;
  }
  if (value.post !== undefined) {
    return POST(value.post) ? { id: value.id, kind: value.kind, post: value.post as WatchPost } : undefined;
  }
  const message = value.message;
  if (isObject(message) && str(message.text)) {
    return { id: value.id, kind: value.kind, post: { type: 'text', text: message.text } };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The saved shapes, as checks: a data table per type, mirroring the interfaces above and in types.ts and
// watch-report.ts. A check never throws; `undefined` passes only where the field is optional.

type Check = (value: unknown) => boolean;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const str = (value: unknown): value is string => typeof value === 'string';
const num = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const bool: Check = (value) => typeof value === 'boolean';
const nonEmpty: Check = (value) => str(value) && value !== '';
const opt =
  (check: Check): Check =>
  (value) =>
    value === undefined || check(value);
const oneOf =
  (values: readonly unknown[]): Check =>
  (value) =>
    values.includes(value);
const anyOf =
  (...checks: Check[]): Check =>
  (value) =>
    checks.some((check) => check(value));
const listOf =
  (check: Check): Check =>
  (value) =>
    Array.isArray(value) && value.every(check);
const shape =
  (fields: Record<string, Check>): Check =>
  (value) =>
    isObject(value) && Object.entries(fields).every(([name, check]) => check(value[name]));
/** A union told apart by its `tag` field (a WatchTarget's kind, a WatchPost's type, a WatchReport's kind). */
const tagged =
  (tag: string, variants: Record<string, Record<string, Check>>): Check =>
  (value) => {
    if (!isObject(value) || !str(value[tag]) || !Object.hasOwn(variants, value[tag])) return false;
    return shape(variants[value[tag]] as Record<string, Check>)(value);
  };

/** Every JobKind and SessionKind: the compiler keeps these lists in step with the types. */
const JOB_KINDS = Object.keys({
  agent: 1,
  'vm-backup': 1,
  replica: 1,
  'backup-copy': 1,
  'file-share': 1,
  other: 1,
} satisfies Record<JobKind, 1>);
const SESSION_KINDS = Object.keys({ backup: 1, replica: 1 } satisfies Record<SessionKind, 1>);

const TARGET = tagged('kind', {
  job: { jobId: nonEmpty, jobName: str, jobKind: opt(oneOf(JOB_KINDS)) },
  session: {
    sessionId: nonEmpty,
    sessionName: opt(str),
    jobId: opt(str),
    jobName: opt(str),
    sessionKind: opt(oneOf(SESSION_KINDS)),
  },
});

const SPEC = shape({
  taskId: nonEmpty,
  action: oneOf(ACTION_NAMES),
  target: TARGET,
  channel: nonEmpty,
  threadTs: nonEmpty,
  parentTs: opt(nonEmpty),
  requestedBy: nonEmpty,
  approvedBy: opt(str),
  requestedAt: num,
  wantedScheduleEnabled: opt(bool),
});

const SESSION_SUMMARY = shape({
  id: str,
  name: str,
  kind: opt(oneOf(SESSION_KINDS)),
  jobType: opt(str),
  state: str,
  result: str,
  failureMessage: opt(str),
  durationMs: opt(num),
  failedObjects: opt(
    anyOf(
      shape({
        items: listOf(shape({ objectName: str, result: str, reason: opt(str) })),
        total: num,
      }),
      shape({ unreadable: oneOf([true]) }),
    ),
  ),
});

const REPORT = tagged('kind', {
  task: {
    success: bool,
    emMessage: str,
    durationMs: num,
    followUp: opt(oneOf(['backup-session', 'session-end'])),
    cancelledBy: opt(str),
  },
  schedule: {
    taskSuccess: opt(bool),
    emMessage: opt(str),
    durationMs: num,
    readBack: anyOf(shape({ scheduleEnabled: bool }), shape({ error: str })),
    resolved: bool,
    cancelledBy: opt(str),
  },
  session: { session: SESSION_SUMMARY, resolved: bool },
  'no-session': { waitedMs: num, newest: opt(SESSION_SUMMARY), resolved: bool },
  unknown: { reason: str },
  timeout: {
    minutes: num,
    waitingFor: oneOf(['task', 'session', 'new-session', 'job']),
    lastState: opt(str),
    sessionName: opt(str),
  },
  cancelled: { byUser: str },
});

const POST = tagged('type', {
  running: { note: opt(str) },
  report: { report: REPORT },
  cancelled: { byUser: str },
  text: { text: str },
});

/**
 * A watch record. Poll and delivery timings are reset by resumeRecord, yet checked: a wrong type there means the
 * record is not what we wrote. The outbox is checked item by item (restoreOutboxItem).
 */
const RECORD = shape({
  key: nonEmpty,
  spec: SPEC,
  phase: oneOf(['task', 'read-job', 'find-session', 'session', 'done'] satisfies WatchPhase[]),
  task: opt(shape({ success: bool, message: str, state: str, finishedAt: num })),
  forgotten: opt(bool),
  forgottenAt: opt(num),
  findSince: opt(num),
  findDeadline: opt(num),
  sessionId: opt(nonEmpty),
  sessionName: opt(str),
  sessionKind: opt(oneOf(SESSION_KINDS)),
  reasonReadFailures: opt(num),
  lastState: opt(str),
  cancelledBy: opt(str),
  resumedAt: opt(num),
  nextOutboxId: opt(num),
  nextPollAt: opt(num),
  intervalMs: opt(num),
  pollErrors: opt(num),
  nextDeliveryAt: opt(num),
  deliveryFailures: opt(num),
});
