// Veeam's own retries of a failed run, as the incident monitor counts them: which attempt a problem run is ("attempt
// n of m"), whether it was the last one, and whether on-call is paged for it (VEEAM_MENTION_ON=final|every).
//
// Veeam retries a failed run its schedule started RetryTimes times, RetryTimeout minutes apart (the job's
// JobScheduleOptions/RetryOptions); each retry is a new job session with IsRetry true. It never retries a run a user
// started or stopped, and never one that ended Success or Warning (VBR user guide, "Job Retry").

import type { JobSession } from '../em/types.js';
import type { Attempt, OpenIncident } from './monitor-state.js';

/** The job's retry settings as the monitor needs them; `times` 0 when Veeam does not retry it. */
export interface RetryPolicy {
  times: number;
  timeoutMinutes: number;
}

export const NO_RETRIES: RetryPolicy = { times: 0, timeoutMinutes: 0 };

/** When to mention on-call: only when the last attempt failed (default), or on every failed attempt. */
export type MentionOn = 'final' | 'every';

/**
 * Which attempt a problem run is; undefined when the job has no retries configured (the card reads as before) or
 * when the count is unknown: a retry with no counted attempt before it (the monitor started mid-way), or a retry
 * beyond the last automatic one (someone pressed Retry). Unknown counts as a last attempt, so it pages.
 */
export function attemptOf(
  session: Pick<JobSession, 'isRetry'>,
  open: Pick<OpenIncident, 'attempt'> | undefined,
  policy: RetryPolicy,
): Attempt | undefined {
  if (policy.times <= 0) return undefined;
  const of = policy.times + 1;
  if (!session.isRetry) return { n: 1, of };
  const before = open?.attempt;
  if (before === undefined || isLastAttempt(before)) return undefined;
  return { n: before.n + 1, of: before.of };
}

/** No more automatic retry follows this attempt (or none was ever planned). */
export function isLastAttempt(attempt: Attempt | undefined): boolean {
  return attempt === undefined || attempt.last === true || attempt.n >= attempt.of;
}

/** Whether a failed attempt pages on-call under VEEAM_MENTION_ON. */
export function pagesFor(mentionOn: MentionOn, attempt: Attempt | undefined): boolean {
  return mentionOn === 'every' || isLastAttempt(attempt);
}

/**
 * The attempt a success recovered on: the retry after the counted failed attempt; undefined when the success was
 * not one of Veeam's retries of it (a new run, a manual start, or no attempts counted).
 */
export function recoveredOn(
  success: Pick<JobSession, 'isRetry'>,
  open: Pick<OpenIncident, 'attempt'>,
): Attempt | undefined {
  const before = open.attempt;
  if (!success.isRetry || before === undefined || isLastAttempt(before)) return undefined;
  return { n: before.n + 1, of: before.of };
}

/** A failed run as the monitor posts it: its attempt, whether it pages, and until when a retry is awaited. */
export interface AttemptedFailure {
  attempt?: Attempt;
  pages: boolean;
  /** Set when it did not page and a retry should follow. */
  retryDueMs?: number;
}

export function attemptedFailure(
  session: Pick<JobSession, 'isRetry'>,
  open: Pick<OpenIncident, 'attempt'> | undefined,
  policy: RetryPolicy,
  options: { mentionOn: MentionOn; endedMs: number; pollIntervalSeconds: number },
): AttemptedFailure {
  const attempt = attemptOf(session, open, policy);
  const pages = pagesFor(options.mentionOn, attempt);
  return {
    ...(attempt ? { attempt } : {}),
    pages,
    ...(pages ? {} : { retryDueMs: retryDueMs(options.endedMs, policy, options.pollIntervalSeconds) }),
  };
}

/**
 * When the next automatic retry should have shown up at the latest: RetryTimeout after the failure, plus the time EM
 * takes to collect sessions and two polls. Past it with no retry running, the failed attempt was the last one (a run
 * started by hand is never retried) and on-call is paged then.
 */
export function retryDueMs(endedMs: number, policy: RetryPolicy, pollIntervalSeconds: number): number {
  const graceMs = Math.max(15 * 60_000, 2 * pollIntervalSeconds * 1_000);
  return endedMs + policy.timeoutMinutes * 60_000 + graceMs;
}
