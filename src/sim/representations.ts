// Simulator answers other than job entities (job-entity.ts) and sessions (session-representations.ts) as a format-neutral El tree (em-api.md §2-§8).

import type { LogonSession } from './auth.js';
import { type El, el, field, link, links } from './em-element.js';
import type { SimJob } from './inventory-model.js';
import { SIM_BACKUP_SERVER } from './seed-ids.js';
import type { SimTask } from './task-book.js';

const STATUS_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  500: 'InternalServerError',
  501: 'NotImplemented',
  503: 'ServiceUnavailable',
};

/** EM's Error body: attributes Message, StatusCode, Status; JSON adds FirstChanceExceptionMessage/StackTrace as null. */
export function errorEl(
  status: number,
  message: string,
  statusName: string | null = STATUS_NAMES[status] ?? null,
): El {
  return {
    name: 'Error',
    attrs: { Message: message, StatusCode: status, Status: statusName },
    children: [
      { name: 'FirstChanceExceptionMessage', jsonOnly: true },
      { name: 'StackTrace', jsonOnly: true },
    ],
  };
}

/** GET /api/ (unauthenticated). */
export function enterpriseManagerEl(base: string): El {
  return el('EnterpriseManager', undefined, [
    links([
      link('Down', `${base}/logonSessions`, 'LogonSessionList'),
      link('Create', `${base}/sessionMngr/?v=latest`, 'LogonSession'),
    ]),
    el(
      'SupportedVersions',
      undefined,
      ['v1_5', 'v1_6', 'v1_7'].map((v) =>
        el('SupportedVersion', { Name: v }, [
          links([link('Create', `${base}/sessionMngr/?v=${v}`, 'LogonSession')]),
        ]),
      ),
    ),
  ]);
}

export function logonSessionEl(base: string, session: LogonSession): El {
  const href = `${base}/logonSessions/${session.id}`;
  return el('LogonSession', { Href: href, Type: 'LogonSession' }, [
    links([
      link('Up', `${base}/`, 'EnterpriseManager'),
      link('Down', `${base}/backupServers`, 'BackupServerReferenceList'),
      link('Down', `${base}/jobs`, 'JobReferenceList'),
      link('Down', `${base}/agents`, 'AgentsService'),
      link('Down', `${base}/backupSessions`, 'BackupJobSessionReferenceList'),
      link('Down', `${base}/tasks`, 'TaskList'),
      link('Down', `${base}/querySvc`, 'QueryService'),
      link('Delete', href, 'LogonSession'),
    ]),
    field('UserName', session.userName),
    field('SessionId', session.id),
  ]);
}

export function logonSessionsEl(base: string, sessions: LogonSession[]): El {
  return {
    name: 'LogonSessions',
    items: 'LogonSessions',
    children: sessions.map((s) => logonSessionEl(base, s)),
  };
}

/** A Task; Result is absent while Running and a placeholder (Success, "OperationFinished") while OperationFinished. */
export function taskEl(base: string, task: SimTask): El {
  const href = `${base}/tasks/${task.id}`;
  const children: El[] = [
    links([link('Delete', href, 'Task')]),
    field('TaskId', task.id),
    field('State', task.state),
    field('Operation', task.operation),
  ];
  const result =
    task.state === 'Finished'
      ? task.result
      : task.state === 'OperationFinished'
        ? { success: true, message: 'OperationFinished' }
        : undefined;
  if (result) children.push(el('Result', { Success: result.success }, [field('Message', result.message)]));
  return el('Task', { Type: 'Task', Href: href }, children);
}

const JOB_PATHS = { agent: 'agents/jobs', vm: 'jobs', nas: 'nas/jobs' } as const;
const JOB_UID_TYPES = { agent: 'AgentBackupJob', vm: 'Job', nas: 'NasJob' } as const;

export function jobHref(base: string, job: SimJob): string {
  return `${base}/${JOB_PATHS[job.kind]}/${job.id}`;
}

export function jobUid(job: SimJob): string {
  return `urn:veeam:${JOB_UID_TYPES[job.kind]}:${job.id}`;
}

/** Reference of a job: root `EntityRef` for a single GET, `Ref` inside lists. */
export function jobRefEl(base: string, job: SimJob, elementName: 'EntityRef' | 'Ref'): El {
  const href = jobHref(base, job);
  const type = JOB_UID_TYPES[job.kind];
  const sessions =
    job.jobType === 'Replica'
      ? link('Down', `${href}/replicaSessions`, 'ReplicaJobSessionReferenceList')
      : link('Down', `${href}/backupSessions`, 'BackupJobSessionReferenceList');
  return el(elementName, { Type: `${type}Reference`, Href: href, Name: job.name, UID: jobUid(job) }, [
    links([
      link(
        'Up',
        `${base}/backupServers/${SIM_BACKUP_SERVER.id}`,
        'BackupServerReference',
        SIM_BACKUP_SERVER.name,
      ),
      link('Alternate', `${href}?format=Entity`, type, job.name),
      sessions,
    ]),
  ]);
}

/** Plain reference collection: XML <EntityReferences><Ref/>…, JSON {"Refs":[…]} (§7 rule 4). */
export function entityReferencesEl(refs: El[]): El {
  return { name: 'EntityReferences', items: 'Refs', children: refs };
}

/** Plain entity collection: XML <BackupJobSessions><BackupJobSession/>…, JSON {"BackupJobSessions":[…]} (rule 5). */
export function entityListEl(name: string, entities: El[]): El {
  return { name, items: name, children: entities };
}

export function iso(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
