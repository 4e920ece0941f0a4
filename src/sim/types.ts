// The EM simulator's public surface: what tests, the demo and the benchmark may drive in-process.

export interface SimKnobs {
  /** Added before every answer. */
  latencyMs: number;
  /** A Task goes Running → OperationFinished (at half) → Finished after this long. */
  taskDurationMs: number;
  /** Each new Task lasts taskDurationMs + random() × this (default 0): Tasks finishing at spread-out times. */
  taskDurationJitterMs?: number;
  /** A backup session started by start/retry goes Working → Stopped after this long. */
  backupDurationMs: number;
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
}

export type SimOutcome = { result: 'Success' | 'Warning' | 'Failed'; message?: string; durationMs?: number };

export interface SimSessionInit {
  jobId: string;
  state?: 'Working' | 'Stopped';
  result?: 'Success' | 'Warning' | 'Failed' | 'None';
  failureMessage?: string;
  /** Epoch ms; default now. */
  creationTime?: number;
  endTime?: number;
  /** Agent parent session (default for agent jobs) or a per-machine child. */
  jobType?: 'AgentBackup' | 'AgentManagement' | 'Backup';
}

export interface SimJobView {
  id: string;
  name: string;
  platform: string;
  kind: 'agent' | 'vm';
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
  failureMessage?: string;
}

export interface SimStats {
  requests: number;
  logons: number;
  /** "GET /tasks" → count; route keys have IDs replaced by {id}. */
  byRoute: Record<string, number>;
}
