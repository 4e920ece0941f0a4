// The EM outage step as a pure function: which poll outcomes make an "EM down" or "EM back" post, and what is kept
// when that post fails.

import { describe, expect, it } from 'vitest';
import { EmError } from '../../src/em/errors.js';
import { OUTAGE_POLLS, stepEmOutage } from '../../src/notify/em-outage.js';
import type { EmOutage } from '../../src/notify/monitor-state.js';

const T0 = Date.parse('2026-01-10T02:00:00Z');
const unreachable = { answered: false, error: new EmError('unreachable', 'connect ECONNREFUSED') } as const;

/** Runs `polls` failed polls from no outage, as the monitor would when every post goes out. */
function failFor(polls: number): EmOutage | undefined {
  let outage: EmOutage | undefined;
  for (let i = 0; i < polls; i += 1) outage = stepEmOutage(outage, unreachable, T0 + i * 60_000).outage;
  return outage;
}

describe('stepEmOutage', () => {
  it('counts failed polls from the first one and posts once, on the third', () => {
    const first = stepEmOutage(undefined, unreachable, T0);
    expect(first).toEqual({
      change: 'unreachable',
      outage: { sinceMs: T0, failedPolls: 1, announced: false },
    });

    const third = stepEmOutage(failFor(OUTAGE_POLLS - 1), unreachable, T0 + 5 * 60_000);
    expect(third.post?.event).toMatchObject({ kind: 'em-down', sinceMs: T0, failedPolls: OUTAGE_POLLS });
    expect(third.post?.event).toHaveProperty('description', expect.stringContaining('unreachable'));
    expect(third.outage).toEqual({ sinceMs: T0, failedPolls: OUTAGE_POLLS, announced: true });
    // Not announced when the post fails, so the next failed poll posts again.
    expect(third.post?.ifPostFails).toEqual({ sinceMs: T0, failedPolls: OUTAGE_POLLS, announced: false });

    const fourth = stepEmOutage(third.outage, unreachable, T0 + 6 * 60_000);
    expect(fourth.post).toBeUndefined();
    expect(fourth.outage?.failedPolls).toBe(OUTAGE_POLLS + 1);
  });

  it('says EM is back only after an announced outage, and keeps the outage when that post fails', () => {
    const quiet = stepEmOutage(failFor(1), { answered: true }, T0 + 60_000);
    expect(quiet).toEqual({ change: 'back', outage: undefined });

    const announced = failFor(OUTAGE_POLLS);
    const back = stepEmOutage(announced, { answered: true }, T0 + 3_600_000);
    expect(back.outage).toBeUndefined();
    expect(back.post).toEqual({
      event: { kind: 'em-back', sinceMs: T0, nowMs: T0 + 3_600_000 },
      ifPostFails: announced,
    });
  });

  it('treats a 4xx as no outage, and a 5xx, an unreadable, foreign or too large answer as one', () => {
    const notFound = { answered: false, error: new EmError('http', 'HTTP 404', { status: 404 }) } as const;
    expect(stepEmOutage(undefined, notFound, T0)).toEqual({ change: 'query-failed', outage: undefined });
    const parse = { answered: false, error: new EmError('parse', 'bad XML') } as const;
    expect(stepEmOutage(undefined, parse, T0).change).toBe('unreachable');
    const notEm = {
      answered: false,
      error: new EmError('parse', 'login page', { reason: 'not-em' }),
    } as const;
    expect(stepEmOutage(undefined, notEm, T0).change).toBe('unreachable');
    const tooLarge = { answered: false, error: new EmError('too-large', 'over the cap') } as const;
    expect(stepEmOutage(undefined, tooLarge, T0).change).toBe('unreachable');
    const maintenance = { answered: false, error: new EmError('http', 'HTTP 503', { status: 503 }) } as const;
    expect(stepEmOutage(undefined, maintenance, T0).change).toBe('unreachable');
  });

  it('changes nothing while EM answers and nothing was down', () => {
    expect(stepEmOutage(undefined, { answered: true }, T0)).toEqual({ change: 'none', outage: undefined });
  });
});
