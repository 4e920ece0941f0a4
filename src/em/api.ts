// What the rest of the bot may ask of Enterprise Manager, for every job kind (em-api.md fact 15). EmClient
// (em/client.ts) implements it over HTTP.

import type {
  Job,
  JobAction,
  JobKind,
  JobSession,
  SessionKind,
  SessionQuery,
  Task,
  TaskSession,
} from './types.js';

export interface EmApi {
  /** Explicit logon; every other call logs on by itself when it has no session. */
  logon(): Promise<void>;
  /** DELETE /logonSessions/{SessionId}; safe to call when not logged on. */
  logout(): Promise<void>;

  // --- Jobs of every kind -------------------------------------------------------------------------------------

  /** Every job (query types AgentBackupJob, NasJob, Job; every page, pageSize 100), sorted by name. */
  listJobs(): Promise<Job[]>;
  /** One job entity; `kind` or the UID's type picks /jobs, /agents/jobs or /nas/jobs, a bare GUID tries each. */
  getJob(idOrUid: string, kind?: JobKind): Promise<Job>;
  /** Jobs of every kind named exactly `name` (EM compares case-insensitively). */
  findJobsByName(name: string): Promise<Job[]>;
  /**
   * POST to EM's own link for the action (Rel Start/Stop/Retry/Sync/ToggleScheduleEnabled), on the configured base
   * URL. EmError 'action-unavailable' when EM offers no such link; 'invalid-link' when the link is not an action on
   * that job under /api. Backup copy jobs offer sync, not start.
   */
  runJobAction(job: Job, action: JobAction): Promise<Task>;

  // --- Sessions -----------------------------------------------------------------------------------------------

  /** POST to the session's validated Stop link; a backup session without one: /backupSessions/{id}?action=stop. */
  stopSession(session: JobSession): Promise<Task>;
  /** A Job's sessions, newest first (backupSessions, or ReplicaJobSession for replication). */
  listJobSessions(job: Job): Promise<JobSession[]>;
  /** GET /backupSessions/{id}?format=Entity, or /replicaSessions/{id} for kind 'replica'; no kind tries both. */
  getSession(sessionId: string, kind?: SessionKind): Promise<JobSession>;
  /** BackupJobSession and ReplicaJobSession matching the query, every page, oldest first. */
  querySessions(query: SessionQuery): Promise<JobSession[]>;
  /** Per-object task sessions; their `reason` says why a Failed/Warning session failed (em-api.md fact 12). */
  listTaskSessions(session: Pick<JobSession, 'id' | 'kind'>): Promise<TaskSession[]>;

  // --- Tasks --------------------------------------------------------------------------------------------------

  /** GET /tasks/{id}; EmError http 404 when this logon session does not know it. */
  getTask(taskId: string): Promise<Task>;
  /** GET /tasks: every Task of the current logon session, in one request. */
  listTasks(): Promise<Task[]>;
  /** DELETE /tasks/{id}: on a Running Task this asks EM to stop it (EM's way to cancel a Task). */
  cancelTask(taskId: string): Promise<void>;
  /**
   * DELETE /tasks/{id} only when the Task is Finished, to trim the logon session's ever-growing Task list
   * (em-api.md fact 14). An unfinished Task is refused ('action-unavailable'), never cancelled by accident.
   */
  deleteFinishedTask(task: Task | string): Promise<void>;
}
