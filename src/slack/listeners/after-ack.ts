// Lets every ack already waiting on the event loop go out before this request starts its own work.

import { acksDrained } from '../ack-gate.js';

/**
 * Under a burst (a channel full of operators, a Slack retry storm) the work after one ack would otherwise delay
 * the acks of the requests queued behind it; Slack gives each only 3 s.
 */
export function afterAck(): Promise<void> {
  return acksDrained();
}
