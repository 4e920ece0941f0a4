// Our types for what Enterprise Manager returns. Only em/parse.ts knows EM's raw XML and JSON shapes.

export interface Link {
  rel: string;
  href: string;
  name?: string;
  type?: string;
}

export interface ScheduleOptionsSummary {
  /** e.g. "Daily (Everyday) at 16:00:00.0000000+01:00"; undefined when no option is enabled. */
  summary?: string;
  daily?: { enabled: boolean; kind?: string; days: string[]; time?: string };
  monthly?: {
    enabled: boolean;
    time?: string;
    dayNumberInMonth?: string;
    dayOfWeek?: string;
    months: string[];
  };
  periodically?: { enabled: boolean; kind?: string; fullPeriod?: number };
  continuous?: { enabled: boolean };
  retry?: { times?: number; timeoutMinutes?: number; specified?: boolean };
}

export interface RetentionPolicy {
  retainCycles?: number;
  retainDaysToKeep?: number;
  /** "Cycles" or "Days" as EM says it. */
  retainLimitType?: string;
  gfsEnabled: boolean;
}

export interface JobInclude {
  id: string;
  name: string;
  displayName: string;
  href?: string;
}

/** Task states: Running and OperationFinished are not final; unknown strings are possible (em-api.md fact 5). */
type TaskState = 'Running' | 'OperationFinished' | 'Finished' | (string & {});

export interface Task {
  /** e.g. "task-1" */
  id: string;
  href: string;
  state: TaskState;
  operation: string;
  /** Absent while Running; a placeholder while OperationFinished. */
  result?: { success: boolean; message: string };
  links: Link[];
}

type SessionState = 'Starting' | 'Stopping' | 'Working' | 'Pausing' | 'Resuming' | 'Stopped' | (string & {});
export type SessionResult = 'Success' | 'Warning' | 'Failed' | 'None' | (string & {});

/** A backup job session (GET /backupSessions/{ID}?format=Entity), VM or agent. */
export interface BackupSession {
  id: string;
  uid: string;
  /** "<JobName>@<yyyy-MM-dd HH:mm:ss>" */
  name: string;
  href: string;
  jobUid: string;
  /** GUID of the job (last segment of jobUid). */
  jobId: string;
  jobName: string;
  /** Backup, BackupCopy, AgentBackup (agent parent), AgentManagement (per machine), … */
  jobType: string;
  /** ISO-8601 UTC */
  creationTime: string;
  endTime?: string;
  state: SessionState;
  result: SessionResult;
  progress: number;
  failureMessage?: string;
  isRetry: boolean;
  links: Link[];
}

export interface SessionQuery {
  /** Sessions whose EndTime is at or after this instant. */
  endedSince?: Date;
  /** Sessions whose CreationTime is at or after this instant. */
  createdSince?: Date;
  results?: SessionResult[];
  states?: SessionState[];
  jobTypes?: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Every job kind (em-api.md fact 15): agent jobs, VM backup, replication, backup copy, file share (NAS).

/** What the bot calls a job's kind; 'other' keeps a job whose EM JobType we do not know (it is logged, never dropped). */
export type JobKind = 'agent' | 'vm-backup' | 'replica' | 'backup-copy' | 'file-share' | 'other';

/** The actions EM offers as links on a job (Rel Start, Stop, Retry, Sync, ToggleScheduleEnabled). */
export type JobAction = 'start' | 'stop' | 'retry' | 'sync' | 'toggleScheduleEnabled';

/** One job of any kind, as /jobs, /agents/jobs, /nas/jobs or the query service describe it. */
export interface Job {
  kind: JobKind;
  /** The GUID: the last `:` segment of the UID. This is what goes into URLs. */
  id: string;
  uid: string;
  name: string;
  href: string;
  /** EM's JobType as given (Backup, Replica, BackupCopy, ImmediateBackupCopy, AgentBackup…); '' when EM gives none (v10 NAS jobs). */
  jobType: string;
  /** VMware | Hyperv | vCloud | AgentForWindows | AgentForLinux …; '' when EM gives none. */
  platform: string;
  /** Backup copy only: 'periodic' (BackupCopy) or 'immediate' (ImmediateBackupCopy). */
  copyMode?: 'periodic' | 'immediate';
  description: string;
  scheduleConfigured: boolean;
  scheduleEnabled: boolean;
  /** ISO-8601 UTC; undefined when EM gives none. */
  nextRun?: string;
  schedule: ScheduleOptionsSummary;
  /** Only where EM states one (agent SimpleRetentionPolicy, NAS StorageOptions). */
  retention?: RetentionPolicy;
  includes: JobInclude[];
  backupServer?: { id: string; name?: string; href: string };
  /** EM's links, kept as given; action links are validated before use (em/action-link.ts). */
  links: Link[];
}

/** BackupJobSession (backup, backup copy, agent, NAS) or ReplicaJobSession (replication, /replicaSessions). */
export type SessionKind = 'backup' | 'replica';

/** A job session of any kind: a BackupSession that knows which EM collection it lives in. */
export interface JobSession extends BackupSession {
  kind: SessionKind;
}

/**
 * One object (VM, machine, share) inside a job session: BackupTaskSession or ReplicaTaskSession. Its `reason` is
 * where EM says why a Failed or Warning session failed; the session's FailureMessage is null (em-api.md fact 12).
 */
export interface TaskSession {
  kind: SessionKind;
  id: string;
  uid: string;
  /** "<object>@<yyyy-MM-dd HH:mm:ss>" */
  name: string;
  /** VmDisplayName, else the name before '@'. */
  objectName: string;
  href: string;
  /** UID of the job session it belongs to. */
  jobSessionUid: string;
  /** e.g. InProgress, Completed; free text as EM gives it. */
  state: string;
  result: SessionResult;
  /** EM's Reason; undefined when empty. */
  reason?: string;
  creationTime: string;
  endTime?: string;
  totalSize?: number;
  links: Link[];
}

/** A query-service answer's PagingInfo (em-api.md §5, fact 11). */
export interface PagingInfo {
  pageNum?: number;
  pageSize?: number;
  pagesCount?: number;
  links: Link[];
}

/** One page of a query-service answer, already in our types. */
export interface QueryPage<T> {
  items: T[];
  paging?: PagingInfo;
  /** The Entities/Refs key that held the items, e.g. "BackupJobSessions"; undefined when none held any. */
  wrapper?: string;
}

/** An entity reference (`Refs.Refs[]` / `<Ref>`): what a References-format answer lists. */
export interface EntityRef {
  id: string;
  uid: string;
  name: string;
  href: string;
  type: string;
  links: Link[];
}
