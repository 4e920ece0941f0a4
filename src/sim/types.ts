// The EM simulator's public surface: what tests, the demo and the benchmark may drive in-process.

import type { Clock } from '../clock.js';
import type { JobKind, JobType, SessionJobType, SimRetryOptions } from './inventory-model.js';

export interface SimKnobs {
  /** Added before every answer. */
  latencyMs: number;
  /** A Task goes Running → OperationFinished (at half) → Finished after this long. */
  taskDurationMs: number;
  /** Each new Task lasts taskDurationMs + random() × this (default 0): Tasks finishing at spread-out times. */
  taskDurationJitterMs?: number;
  /** A backup session started by start/retry goes Working → Stopped after this long. */
  backupDurationMs: number;
  /**
   * Veeam's own retries of a failed scheduled run start this long after the failure instead of the job's
   * RetryTimeout minutes (default: those minutes), so tests on the system clock see retries in moments.
   */
  retryDelayMs?: number;
  /** 0..1: chance a backup session ends Failed (unless setNextRunOutcome said otherwise). */
  failureRate: number;
  /** 0..1: chance a backup session ends Warning. */
  warningRate: number;
  /** Logon sessions expire after this long without a request (EM: 15 minutes). */
  sessionIdleMs: number;
  /** The next `count` requests (matching `path` when given) are answered `status` with an EM Error body. */
  forceStatus?: { status: number; count: number; path?: RegExp; message?: string };
  /** The next N answers carry a truncated, unparseable body. */
  malformedBodies: number;
  /** The next N requests get their socket destroyed without an answer. */
  dropConnections: number;
  /**
   * Fail page `page` of a query (optionally only of query `type`) `count` times (default once) with `status`
   * (default 500), so clients prove they retry that page instead of stopping or skipping it.
   */
  failQueryPage?: { page: number; type?: string; status?: number; count?: number };
  /**
   * Put the run's reason in the session's FailureMessage too (default false: real EM leaves it null on Failed
   * and Warning sessions, em-api.md fact 12; the reason is on task sessions).
   */
  failureMessageOnSessions?: boolean;
  /**
   * The next `count` requests (matching `path`) get a 200 page that is not EM's, as a reverse proxy or a single
   * sign-on gateway in front of EM answers: a well-formed XHTML login page as text/html unless `contentType` and
   * `body` say otherwise. Applies before authentication, like a proxy would.
   */
  proxyPage?: { count: number; path?: RegExp; contentType?: string; body?: string };
  /**
   * The next `count` answers (matching `path`) are sent `chunkBytes` at a time, one chunk every `intervalMs`: a
   * body that never pauses long enough to trip a per-chunk timeout but takes as long as it likes in total.
   */
  trickleBody?: { count: number; path?: RegExp; chunkBytes: number; intervalMs: number };
  /**
   * The next `count` answers (matching `path`) are padded with trailing spaces to `bytes` (still a valid
   * document); `chunked` sends them without Content-Length, so only counting bytes as they come can stop them.
   */
  oversizedBody?: { count: number; path?: RegExp; bytes: number; chunked?: boolean };
  /**
   * The next N authenticated requests answer 401 although the logon succeeded and the token is valid (an EM account
   * without the right role, a load balancer switching EM nodes). Logon and /logonSessions are not refused.
   */
  refuseAfterLogon?: number;
}

export interface SimOptions extends Partial<SimKnobs> {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Serve HTTPS with this PEM key and certificate. */
  tls?: { key: string; cert: string };
  username?: string;
  password?: string;
  /** Seed the demo inventory (default true): the seed's "Server Backup" job and a handful more. */
  seedInventory?: boolean;
  /** Deterministic randomness for tests and the bench. */
  random?: () => number;
  /**
   * Time source (default the system clock, with real timers moving Tasks and runs). With another clock (a
   * ManualClock) nothing moves on its own: move the clock, and the next request (or tick()) applies what is due.
   */
  clock?: Clock;
}

export type SimOutcome = {
  result: 'Success' | 'Warning' | 'Failed';
  message?: string;
  durationMs?: number;
  /** How many of the run's objects (first ones) end with the result and message; default 1, the rest succeed. */
  objectsAffected?: number;
};

export interface SimSessionInit {
  jobId: string;
  state?: 'Working' | 'Stopped';
  result?: 'Success' | 'Warning' | 'Failed' | 'None';
  failureMessage?: string;
  /** Epoch ms; default now. */
  creationTime?: number;
  endTime?: number;
  /** Default: AgentBackup for agent jobs (plus per-machine children), else the job's JobType. */
  jobType?: SessionJobType;
}

/** A job to add beyond the seed (addJob/addJobs). */
export interface SimJobInit {
  name: string;
  /** Default AgentBackup. NasBackup makes a /nas/jobs job. */
  jobType?: JobType;
  /** Default AgentForWindows for agent jobs, VMware for VM jobs. */
  platform?: string;
  /** Objects a run processes (default one, named after the job). */
  machines?: string[];
  scheduleEnabled?: boolean;
  /** JobScheduleOptions/RetryOptions (default Veeam's: specified, 3 times, 10 minutes apart). */
  retry?: Partial<SimRetryOptions>;
  /** Default "Backup of <name>" (or the kind's own wording). */
  description?: string;
}

export interface SimJobView {
  id: string;
  name: string;
  platform: string;
  kind: JobKind;
  jobType: JobType;
  scheduleEnabled: boolean;
}

export interface SimSessionView {
  id: string;
  jobId: string;
  jobName: string;
  jobType: string;
  state: string;
  result: string;
  creationTime: number;
  endTime?: number;
  /** Why it ended Failed/Warning (on its task sessions' Reason; in FailureMessage only with failureMessageOnSessions). */
  failureMessage?: string;
  /** A retry run (Veeam's own or the retry action): EM's IsRetry. */
  isRetry: boolean;
}

export interface SimStats {
  requests: number;
  logons: number;
  /** "GET /tasks" → count; route keys have IDs replaced by {id}. */
  byRoute: Record<string, number>;
  /** DELETE /tasks/{id} answers that removed a Finished Task (the rest of that route's count cancelled one). */
  finishedTasksRemoved: number;
}
