// The stand-in's record of calls real Slack would have refused: what Slack answers to each, which ones a test
// expected (took), and the failure that makes a run with an unexpected refusal fail instead of pass.

import { type BlockKitRefusal, refusalFor } from './block-kit-rules.js';

// biome-ignore lint/suspicious/noExplicitAny: Slack call arguments as received
type Json = any;

/** A call real Slack would have refused (invalid_blocks, msg_too_long), answered here as Slack answers it. */
export interface FakeRefusal extends BlockKitRefusal {
  method: string;
  args: Record<string, Json>;
}

/** Methods whose blocks, view or text Slack checks; response_url posts are checked too. */
const CHECKED_METHODS = new Set([
  'chat.postMessage',
  'chat.update',
  'chat.postEphemeral',
  'chat.scheduleMessage',
  'views.publish',
  'views.open',
  'views.update',
  'views.push',
  'response_url',
]);

export class RefusalLog {
  /** Every call refused as real Slack would refuse it, in order. */
  readonly all: FakeRefusal[] = [];
  /** How many of `all` a test has taken (expected); the rest are unexpected. */
  private taken = 0;

  /** Slack's answer (HTTP 200, ok: false) when it would refuse this call, recorded; undefined when accepted. */
  check(method: string, args: Record<string, Json>): Record<string, Json> | undefined {
    if (!CHECKED_METHODS.has(method)) return undefined;
    const refusal = refusalFor(method, args);
    if (refusal === undefined) return undefined;
    this.all.push({ method, args, ...refusal });
    return refusal.errors.length > 0
      ? { ok: false, error: refusal.error, errors: refusal.errors }
      : { ok: false, error: refusal.error };
  }

  /** The refusals since the last take, now expected. */
  take(): FakeRefusal[] {
    const taken = this.all.slice(this.taken);
    this.taken = this.all.length;
    return taken;
  }

  /** An error naming every refusal no one took (and takes them), or undefined when there is none. */
  unexpected(): Error | undefined {
    const refusals = this.take();
    if (refusals.length === 0) return undefined;
    return new Error(
      `The Slack stand-in refused ${refusals.length} call(s) as real Slack would:\n${refusals.map(describe).join('\n')}`,
    );
  }
}

function describe(refusal: FakeRefusal): string {
  const lines =
    refusal.errors.length > 0 ? refusal.errors : [`text of ${String(refusal.args.text).length} characters`];
  return `  ${refusal.method}: ${refusal.error}\n${lines.map((line) => `    ${line}`).join('\n')}`;
}
