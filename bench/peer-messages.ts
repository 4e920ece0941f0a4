// The IPC protocol between the benchmark (the bot's process) and its peers process (EM simulator + fake Slack).

import type { JobType } from '../src/sim/inventory-model.js';
import type { SimKnobs, SimSessionInit } from '../src/sim/types.js';

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

/** One slash command timed from its send to the bot's first answer on its response_url. */
export interface TimedCommandRequest {
  eventsUrl: string;
  signingSecret: string;
  text: string;
  user: string;
  /** A channel only this command uses, so its answer is told apart from others. */
  channel: string;
  waitMs: number;
}

export interface TimedCommandResult {
  httpStatus: number;
  ackMs: number;
  /** From the send to the first response_url answer; null when none came within waitMs. */
  firstAnswerMs: number | null;
  blocks: number;
  /** The longest text of one block (Slack refuses a section over 3,000 characters). */
  longestBlockChars: number;
  /** The distinct labels of its buttons. */
  buttonLabels: string[];
  textStart: string;
  /** Messages the stand-in refused as real Slack would (too many blocks, too long a section…). */
  refusals: number;
}

/** A message of one channel as the stand-in keeps it, its text read from blocks and fallback together. */
export interface ChannelMessage {
  ts: string;
  threadTs?: string;
  text: string;
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
  /** Adds jobs (kinds round-robin) until `total` were added by this op; answers every job it added so far. */
  | { op: 'ensureJobs'; total: number; kinds: JobType[] }
  /** Injects sessions as given (finished ones with their end times); answers their IDs in order. */
  | { op: 'addSessions'; sessions: SimSessionInit[] }
  | { op: 'timeCommand'; request: TimedCommandRequest }
  | { op: 'channelMessages'; channel: string }
  | { op: 'stop' };

export interface PeerStarted {
  simUrl: string;
  slackApiUrl: string;
}

export type PeerEnvelope = { id: number; request: PeerRequest };
export type PeerReply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string };
