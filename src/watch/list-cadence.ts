// When the next GET /tasks goes out: a steady beat of the poll interval (small jitter) while any watch waits on a
// Task, slowed ×1.5 per failure (to the backoff cap) while EM answers with errors, steady again after a success.

import { type BackoffPolicy, nextPoll } from './poll-backoff.js';

/** ±5% around the interval: enough to keep several bots off one beat, small enough to keep notify latency low. */
const STEADY_JITTER = 0.1;

export class ListCadence {
  /** When the next list is due; +Infinity while no watch waits on a Task. */
  dueAt = Number.POSITIVE_INFINITY;
  /** The wait after the next failure: grows while EM errs; back to one step above the beat after a success. */
  private errorIntervalMs: number;

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number = Math.random,
  ) {
    this.errorIntervalMs = firstErrorInterval(policy);
  }

  get idle(): boolean {
    return this.dueAt === Number.POSITIVE_INFINITY;
  }

  /** A watch waits on a Task: the beat starts one interval from now unless it is already running. */
  start(now: number): void {
    if (this.idle) this.dueAt = now + this.steadyDelay();
  }

  /** Something wants a fresh list soon (a resumed watch, a cancel): no later than `at`. */
  dueBy(at: number): void {
    this.dueAt = Math.min(this.dueAt, at);
  }

  /** No watch waits on a Task any more. */
  stop(): void {
    this.dueAt = Number.POSITIVE_INFINITY;
    this.errorIntervalMs = firstErrorInterval(this.policy);
  }

  /** The list sent at `sentAt` was answered: the next one an interval after it was sent. */
  succeeded(sentAt: number): void {
    this.errorIntervalMs = firstErrorInterval(this.policy);
    this.dueAt = sentAt + this.steadyDelay();
  }

  /** The list failed: wait longer each time, up to the cap, with the policy's jitter. */
  failed(now: number): number {
    const { delayMs, nextIntervalMs } = nextPoll(this.policy, this.errorIntervalMs, this.random);
    this.errorIntervalMs = nextIntervalMs;
    this.dueAt = now + delayMs;
    return delayMs;
  }

  private steadyDelay(): number {
    return Math.max(1, Math.round(this.policy.baseMs * (1 + (this.random() - 0.5) * STEADY_JITTER)));
  }
}

/** The first retry already waits longer than the beat: an EM in trouble is not asked again at full pace. */
function firstErrorInterval(policy: BackoffPolicy): number {
  return Math.min(policy.capMs, policy.baseMs * policy.factor);
}
