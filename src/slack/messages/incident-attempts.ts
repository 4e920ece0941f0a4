// The words for Veeam's own retries on incident messages: "attempt n of m", what follows an attempt, a recovery.

import type { Attempt, IncidentCard } from '../../notify/monitor-state.js';

export function attemptLabel(attempt: Attempt): string {
  return `attempt ${attempt.n} of ${attempt.of}`;
}

/** " (attempt 1 of 3)" after a card's headline; '' for a job without retries. */
export function attemptSuffix(card: Pick<IncidentCard, 'attempt'>): string {
  return card.attempt === undefined ? '' : ` (${attemptLabel(card.attempt)})`;
}

/** The card's line on what follows the newest failed attempt; undefined for a job without retries. */
export function attemptOutlook(card: Pick<IncidentCard, 'attempt' | 'failures'>): string | undefined {
  const attempt = card.attempt;
  if (attempt === undefined || card.failures === 0) return undefined;
  const label = attemptLabel(attempt);
  if (attempt.last === true && attempt.n < attempt.of) {
    return `:no_entry: No retry followed ${label} (Veeam retries only runs its schedule started): it was the last attempt.`;
  }
  if (attempt.n >= attempt.of)
    return `:no_entry: ${capitalise(label)} failed: Veeam's automatic retries are used up.`;
  return `:repeat_one: ${capitalise(label)} failed; Veeam retries the job by itself.`;
}

function capitalise(text: string): string {
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** "Attempt 2 of 3 failed" (follow-ups of a job with retries). */
export function attemptFailedLine(attempt: Attempt): string {
  return `${capitalise(attemptLabel(attempt))} failed`;
}
