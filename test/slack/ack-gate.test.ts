// Acks first: work after an ack waits for the other requests' acks, and never starves behind a steady stream.

import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { acksDrained, slackRequestArrived } from '../../src/slack/ack-gate.js';

async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i += 1) await nextTurn();
}

describe('acksDrained', () => {
  it('resolves at the next turn when no request waits for its ack', async () => {
    let done = false;
    const drained = acksDrained().then(() => {
      done = true;
    });
    await drained;
    expect(done).toBe(true);
  });

  it('waits until every request that arrived has its answer (each counted once)', async () => {
    const first = slackRequestArrived();
    const second = slackRequestArrived();
    let done = false;
    const drained = acksDrained().then(() => {
      done = true;
    });
    first();
    first();
    await turns(3);
    expect(done).toBe(false);
    second();
    await drained;
    expect(done).toBe(true);
  });

  it('gives up waiting after half a second, so a stream of requests cannot starve the work', async () => {
    const answered = slackRequestArrived();
    const started = performance.now();
    await acksDrained();
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    answered();
  });
});
