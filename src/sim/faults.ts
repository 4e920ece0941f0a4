// Fault knobs (types.ts SimKnobs): added latency, dropped sockets, forced error statuses, truncated bodies, a
// failing query page, a proxy's page, slow or oversized bodies and 401s after a good logon, so clients prove their
// retries and error paths against the same simulator.

import type http from 'node:http';
import { type PendingTimers, writePadded, writeTrickled } from './body-faults.js';
import { type Answer, errorAnswer, type RenderedAnswer, writeRendered } from './http-answer.js';
import { paging } from './query-result.js';
import type { SimKnobs } from './types.js';

/** A login page as a single sign-on gateway serves it: well-formed XHTML, nothing of EM's. */
const PROXY_LOGIN_PAGE = `<?xml version="1.0" encoding="utf-8"?>
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Sign in</title></head><body>
<form method="post" action="/login"><input type="text" name="username"/><input type="password" name="password"/>
<button type="submit">Sign in</button></form></body></html>`;

interface Countdown {
  count: number;
  path?: RegExp;
}

export class Faults {
  private readonly pendingDelays: PendingTimers = new Set<NodeJS.Timeout>();

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

  /** proxyPage: a 200 page that is not EM's, for a matching request, counting it down. */
  proxyPage(rawUrl: string): Answer | undefined {
    const page = this.knobs.proxyPage;
    if (!takeMatching(page, rawUrl)) return undefined;
    if (page.count <= 0) this.knobs.proxyPage = undefined;
    const body = page.body ?? PROXY_LOGIN_PAGE;
    return { status: 200, rawBody: () => body, contentType: page.contentType ?? 'text/html; charset=utf-8' };
  }

  /** refuseAfterLogon: true when this authenticated request must be answered 401 anyway. */
  takeRefusal(segments: string[]): boolean {
    if ((this.knobs.refuseAfterLogon ?? 0) <= 0) return false;
    // Logging out must still work, or the client could not clean up the sessions it no longer uses.
    if (segments[0]?.toLowerCase() === 'logonsessions') return false;
    this.knobs.refuseAfterLogon = (this.knobs.refuseAfterLogon ?? 0) - 1;
    return true;
  }

  /** Writes the answer, trickled or padded when trickleBody or oversizedBody matches this request. */
  deliver(res: http.ServerResponse, rendered: RenderedAnswer, rawUrl: string): void {
    const trickle = this.knobs.trickleBody;
    if (takeMatching(trickle, rawUrl)) {
      if (trickle.count <= 0) this.knobs.trickleBody = undefined;
      writeTrickled(res, rendered, trickle, this.pendingDelays);
      return;
    }
    const oversized = this.knobs.oversizedBody;
    if (takeMatching(oversized, rawUrl)) {
      if (oversized.count <= 0) this.knobs.oversizedBody = undefined;
      writePadded(res, rendered, oversized);
      return;
    }
    writeRendered(res, rendered);
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

/** True (and counted down) when the knob is armed and its path, if any, matches. */
function takeMatching<T extends Countdown>(knob: T | undefined, rawUrl: string): knob is T {
  if (!knob || knob.count <= 0) return false;
  if (knob.path) {
    knob.path.lastIndex = 0;
    if (!knob.path.test(rawUrl)) return false;
  }
  knob.count -= 1;
  return true;
}
