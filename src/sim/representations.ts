// Every simulator answer except the job entity (agent-job-entity.ts) as a format-neutral El tree (em-api.md §2-§8).

import type { LogonSession } from './auth.js';
import { type El, el, field, link, links } from './em-element.js';
import type { SimJob, SimSession } from './inventory-model.js';
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

export function jobHref(base: string, job: SimJob): string {
  return `${base}/${job.kind === 'agent' ? 'agents/jobs' : 'jobs'}/${job.id}`;
}

/** Reference of a job: root `EntityRef` for a single GET, `Ref` inside lists. */
export function jobRefEl(base: string, job: SimJob, elementName: 'EntityRef' | 'Ref'): El {
  const href = jobHref(base, job);
  const type = job.kind === 'agent' ? 'AgentBackupJob' : 'Job';
  return el(
    elementName,
    { Type: `${type}Reference`, Href: href, Name: job.name, UID: `urn:veeam:${type}:${job.id}` },
    [
      links([
        link(
          'Up',
          `${base}/backupServers/${SIM_BACKUP_SERVER.id}`,
          'BackupServerReference',
          SIM_BACKUP_SERVER.name,
        ),
        link('Alternate', `${href}?format=Entity`, type, job.name),
        link('Down', `${href}/backupSessions`, 'BackupJobSessionReferenceList'),
      ]),
    ],
  );
}

export function sessionHref(base: string, session: SimSession): string {
  return `${base}/backupSessions/${session.id}`;
}

export function sessionRefEl(base: string, session: SimSession, elementName: 'EntityRef' | 'Ref'): El {
  const href = sessionHref(base, session);
  return el(
    elementName,
    {
      Type: 'BackupJobSessionReference',
      Href: href,
      Name: session.name,
      UID: `urn:veeam:BackupJobSession:${session.id}`,
    },
    [links([link('Alternate', `${href}?format=Entity`, 'BackupJobSession', session.name)])],
  );
}

/** BackupJobSession entity in the field order of em-api.md §4.4. */
export function sessionEntityEl(base: string, session: SimSession, job: SimJob, progress: number): El {
  const href = sessionHref(base, session);
  const linkList = [
    link(
      'Up',
      `${base}/backupServers/${SIM_BACKUP_SERVER.id}`,
      'BackupServerReference',
      SIM_BACKUP_SERVER.name,
    ),
    link('Up', jobHref(base, job), 'JobReference', job.name),
    link('Alternate', href, 'BackupJobSessionReference', session.name),
    link('Down', `${href}/taskSessions`, 'BackupTaskSessionReferenceList'),
  ];
  if (session.jobType === 'AgentBackup') {
    linkList.push(link('Down', `${href}/agentManagementSessions`, 'BackupJobSessionReferenceList'));
  }
  linkList.push(link('Stop', `${href}?action=stop`));
  const children: El[] = [
    links(linkList),
    field('JobUid', `urn:veeam:Job:${job.id}`),
    field('JobName', session.jobName),
    field('JobType', session.jobType),
    field('CreationTimeUTC', iso(session.creationTime)),
  ];
  if (session.endTime !== undefined) children.push(field('EndTimeUTC', iso(session.endTime)));
  children.push(
    field('State', session.state),
    field('Result', session.result),
    field('Progress', progress),
    field('FailureMessage', session.failureMessage),
    field('IsRetry', session.isRetry),
  );
  return el(
    'BackupJobSession',
    {
      Type: 'BackupJobSession',
      Href: `${href}?format=Entity`,
      Name: session.name,
      UID: `urn:veeam:BackupJobSession:${session.id}`,
    },
    children,
  );
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
