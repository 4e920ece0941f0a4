// Acks first: the work a listener does after its ack waits while other Slack requests are still on their way to
// their own ack. One per process on purpose: every bot in a process shares its one event loop.

import { setImmediate as nextTurn } from 'node:timers/promises';

/** Work after an ack never waits longer than this for the other acks (a steady stream must not starve it). */
const MAX_WAIT_MS = 500;

let unanswered = 0;
let waiters: (() => void)[] = [];

/** A Slack request arrived (HTTP mode); call the returned function once its answer is sent or its socket closed. */
export function slackRequestArrived(): () => void {
  unanswered += 1;
  let answered = false;
  return () => {
    if (answered) return;
    answered = true;
    unanswered -= 1;
    if (unanswered === 0) release();
  };
}

/**
 * Resolves once no Slack request is waiting for its ack (after at least one turn of the event loop), or after
 * MAX_WAIT_MS. Under a burst of 200 commands, one command's parsing, policy check and EM calls (and, a second
 * later, EM's answers) would otherwise run between the acks of the requests queued behind it.
 */
export async function acksDrained(): Promise<void> {
  await nextTurn();
  if (unanswered === 0) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, MAX_WAIT_MS);
    function done(): void {
      clearTimeout(timer);
      waiters = waiters.filter((w) => w !== done);
      resolve();
    }
    waiters.push(done);
  });
}

function release(): void {
  const ready = waiters;
  waiters = [];
  for (const done of ready) done();
}
