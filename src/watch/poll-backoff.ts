// How long a watch waits before its next poll: grows ×1.5 per unchanged poll up to a cap, with jitter so
// thousands of watches started together do not poll in lockstep.

export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
  factor: number;
  /** 0..1: the delay is spread ±jitter/2 around the interval. */
  jitter: number;
}

/** Cap: 10× the poll interval, but at most 15 s (and never below the interval itself). */
export function backoffPolicy(pollIntervalMs: number): BackoffPolicy {
  return {
    baseMs: pollIntervalMs,
    capMs: Math.max(pollIntervalMs, Math.min(15_000, pollIntervalMs * 10)),
    factor: 1.5,
    jitter: 0.4,
  };
}

/** The delay to wait now (jittered) and the interval to use after that (grown, capped). */
export function nextPoll(
  policy: BackoffPolicy,
  intervalMs: number,
  random: () => number = Math.random,
): { delayMs: number; nextIntervalMs: number } {
  const current = Math.min(Math.max(intervalMs, policy.baseMs), policy.capMs);
  const spread = 1 + (random() - 0.5) * policy.jitter;
  return {
    delayMs: Math.max(1, Math.round(current * spread)),
    nextIntervalMs: Math.min(policy.capMs, current * policy.factor),
  };
}
