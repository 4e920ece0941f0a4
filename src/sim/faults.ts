// Fault knobs (types.ts SimKnobs): added latency, dropped sockets, forced error statuses, truncated bodies and
// a failing query page, so clients prove their retries and error paths against the same simulator.

import { type Answer, errorAnswer } from './http-answer.js';
import { paging } from './query-result.js';
import type { SimKnobs } from './types.js';

export class Faults {
  private readonly pendingDelays = new Set<NodeJS.Timeout>();

  constructor(private readonly knobs: SimKnobs) {}

  /** dropConnections: true when this request's socket must be destroyed unanswered. */
  takeDrop(): boolean {
    if (this.knobs.dropConnections <= 0) return false;
    this.knobs.dropConnections -= 1;
    return true;
  }

  /** latencyMs: real network delay (not the simulator's clock: it models the wire, not EM's work). */
  async delay(): Promise<void> {
    const ms = this.knobs.latencyMs;
    if (ms <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.pendingDelays.delete(timer);
        resolve();
      }, ms);
      this.pendingDelays.add(timer);
    });
  }

  /** forceStatus: the answer for a matching request, counting it down. */
  forcedAnswer(rawUrl: string): Answer | undefined {
    const force = this.knobs.forceStatus;
    if (!force || force.count <= 0) return undefined;
    if (force.path) {
      force.path.lastIndex = 0;
      if (!force.path.test(rawUrl)) return undefined;
    }
    force.count -= 1;
    if (force.count <= 0) this.knobs.forceStatus = undefined;
    return errorAnswer(force.status, force.message ?? `Simulated failure (HTTP ${force.status}).`);
  }

  /** failQueryPage: the answer for GET /query when it asks for the failing page (of the failing type). */
  failedQueryPage(params: URLSearchParams): Answer | undefined {
    const fail = this.knobs.failQueryPage;
    if (!fail) return undefined;
    if (fail.type && fail.type.toLowerCase() !== (params.get('type') ?? '').toLowerCase()) return undefined;
    let page: number;
    try {
      page = paging(params).page;
    } catch {
      return undefined;
    }
    if (page !== fail.page) return undefined;
    fail.count = (fail.count ?? 1) - 1;
    if (fail.count <= 0) this.knobs.failQueryPage = undefined;
    const status = fail.status ?? 500;
    return errorAnswer(status, `Simulated failure of query page ${page} (HTTP ${status}).`);
  }

  /** malformedBodies: the first half of the body, counting down. */
  mangle(body: Buffer): Buffer {
    if (this.knobs.malformedBodies <= 0) return body;
    this.knobs.malformedBodies -= 1;
    return body.subarray(0, Math.floor(body.length / 2));
  }

  close(): void {
    for (const timer of this.pendingDelays) clearTimeout(timer);
    this.pendingDelays.clear();
  }
}
