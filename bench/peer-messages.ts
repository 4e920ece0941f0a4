// The IPC protocol between the benchmark (the bot's process) and its peers process (EM simulator + fake Slack).

import type { SimKnobs } from '../src/sim/types.js';

/** Knob changes the parent may ask for at run time. */
export interface PeerKnobs
  extends Partial<Pick<SimKnobs, 'latencyMs' | 'taskDurationMs' | 'taskDurationJitterMs'>> {
  /** 0..1 of chat.postMessage calls answered 429 (Retry-After: 1). */
  rateLimitFraction?: number;
}

export interface PeerStats {
  sim: { requests: number; byRoute: Record<string, number> };
  /** Web API calls by method (429 answers included). */
  slackCalls: Record<string, number>;
  /** chat.postMessage calls answered ok (thread replies and top-level posts). */
  slackPosts: number;
}

/** Timestamps taken in the peers process, so both ends of a latency use one clock. */
export interface PeerEvents {
  /** [taskId, epoch ms when the simulator marked it Finished] */
  finished: [string, number][];
  /** [channel, thread_ts, epoch ms when the post reached the fake Slack] for thread replies. */
  posts: [string, string, number][];
  /** Epoch ms of each GET /tasks the simulator received while tracking was on (±2 ms). */
  taskLists: number[];
}

export interface AckRequest {
  eventsUrl: string;
  signingSecret: string;
  /** Commands sent at once. */
  count: number;
  /** Commands sent one after another. */
  sequential: number;
  text: string;
  user: string;
  channel: string;
}

export interface AckResult {
  /** Milliseconds from sending each request to its HTTP answer. */
  latenciesMs: number[];
  statuses: Record<string, number>;
}

export type PeerRequest =
  | { op: 'start'; sim: { backupDurationMs: number; taskDurationMs: number } }
  | { op: 'knobs'; knobs: PeerKnobs }
  | { op: 'stats' }
  /** Returns the events recorded since the last call and forgets them. */
  | { op: 'takeEvents' }
  /** How many thread replies arrived since the last takeEvents (cheap progress probe). */
  | { op: 'countPosts' }
  | { op: 'ack'; request: AckRequest }
  /** Start or stop recording GET /tasks arrival times. */
  | { op: 'trackTaskLists'; on: boolean }
  /** response_url answers received so far. */
  | { op: 'responseUrlCount' }
  | { op: 'stop' };

export interface PeerStarted {
  simUrl: string;
  slackApiUrl: string;
}

export type PeerEnvelope = { id: number; request: PeerRequest };
export type PeerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
