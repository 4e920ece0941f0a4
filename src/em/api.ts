// What the rest of the bot may ask of Enterprise Manager. EmClient (em/client.ts) implements it over HTTP.

import type { AgentBackupJob, BackupSession, SessionQuery, Task } from './types.js';

export interface EmApi {
  /** Explicit logon; every other call logs on by itself when it has no session. */
  logon(): Promise<void>;
  /** DELETE /logonSessions/{SessionId}; safe to call when not logged on. */
  logout(): Promise<void>;

  /** GET /agents/jobs/{id}?format=Entity. `id` may be a GUID or a urn:veeam:…:GUID UID. */
  getAgentJob(id: string): Promise<AgentBackupJob>;
  /** GET /query?type=AgentBackupJob&format=Entities (all agent jobs, entities). */
  listAgentJobs(): Promise<AgentBackupJob[]>;
  /** GET /query?type=AgentBackupJob&format=Entities&filter=Name=="…" (exact name; EM compares case-insensitively). */
  findAgentJobsByName(name: string): Promise<AgentBackupJob[]>;

  /** POST /agents/jobs/{id}?action=toggleScheduleEnabled → the 202 Task. */
  toggleSchedule(jobId: string): Promise<Task>;
  startJob(jobId: string): Promise<Task>;
  stopJob(jobId: string): Promise<Task>;
  retryJob(jobId: string): Promise<Task>;
  /** POST /backupSessions/{id}?action=stop → the 202 Task. */
  stopSession(sessionId: string): Promise<Task>;

  /** GET /tasks/{id}; EmError http 404 when this logon session does not know it. */
  getTask(taskId: string): Promise<Task>;
  /** GET /tasks: every Task of the current logon session, in one request. */
  listTasks(): Promise<Task[]>;
  /** DELETE /tasks/{id} (EM's way to cancel a Task). */
  cancelTask(taskId: string): Promise<void>;

  /** GET /agents/jobs/{id}/backupSessions?format=Entity, newest first. */
  listJobSessions(jobId: string): Promise<BackupSession[]>;
  /** GET /backupSessions/{id}?format=Entity */
  getSession(sessionId: string): Promise<BackupSession>;
  /** GET /query?type=BackupJobSession&format=Entities&filter=… (one request, VM and agent sessions). */
  querySessions(query: SessionQuery): Promise<BackupSession[]>;
}
