// Job sessions and their task sessions as El trees: BackupJobSession (backup, backup copy, agent, NAS runs) at
// /backupSessions, ReplicaJobSession at /replicaSessions (em-api.md fact 15), and the per-object
// BackupTaskSession / ReplicaTaskSession whose Reason says why a run failed (fact 12).

import { type El, el, field, link, links } from './em-element.js';
import { timestamp } from './inventory.js';
import { isReplicaSession, type SimJob, type SimSession, type SimTaskSession } from './inventory-model.js';
import { iso, jobHref } from './representations.js';
import { SIM_BACKUP_SERVER } from './seed-ids.js';

function kindOf(session: SimSession) {
  return isReplicaSession(session)
    ? {
        path: 'replicaSessions',
        type: 'ReplicaJobSession',
        tasks: 'replicaTaskSessions',
        task: 'ReplicaTaskSession',
      }
    : { path: 'backupSessions', type: 'BackupJobSession', tasks: 'taskSessions', task: 'BackupTaskSession' };
}

function serverLink(base: string): El {
  return link(
    'Up',
    `${base}/backupServers/${SIM_BACKUP_SERVER.id}`,
    'BackupServerReference',
    SIM_BACKUP_SERVER.name,
  );
}

function sessionHref(base: string, session: SimSession): string {
  return `${base}/${kindOf(session).path}/${session.id}`;
}

export function sessionUid(session: SimSession): string {
  return `urn:veeam:${kindOf(session).type}:${session.id}`;
}

export function sessionRefEl(base: string, session: SimSession, elementName: 'EntityRef' | 'Ref'): El {
  const href = sessionHref(base, session);
  const { type } = kindOf(session);
  return el(
    elementName,
    { Type: `${type}Reference`, Href: href, Name: session.name, UID: sessionUid(session) },
    [links([link('Alternate', `${href}?format=Entity`, type, session.name)])],
  );
}

interface SessionEntityOptions {
  progress: number;
  /** Put the reason in FailureMessage (real EM: null, em-api.md fact 12). */
  failureMessage: boolean;
}

/** BackupJobSession / ReplicaJobSession entity in the field order of em-api.md §4.4. */
export function sessionEntityEl(
  base: string,
  session: SimSession,
  job: SimJob,
  options: SessionEntityOptions,
): El {
  const href = sessionHref(base, session);
  const kind = kindOf(session);
  const linkList = [
    serverLink(base),
    link('Up', jobHref(base, job), 'JobReference', job.name),
    link('Alternate', href, `${kind.type}Reference`, session.name),
    link('Down', `${href}/${kind.tasks}`, `${kind.task}ReferenceList`),
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
    field('Progress', options.progress),
    field('FailureMessage', options.failureMessage ? session.reason : undefined),
    field('IsRetry', session.isRetry),
  );
  return el(
    kind.type,
    { Type: kind.type, Href: `${href}?format=Entity`, Name: session.name, UID: sessionUid(session) },
    children,
  );
}

function taskSessionHref(base: string, session: SimSession, task: SimTaskSession): string {
  return `${base}/${isReplicaSession(session) ? 'replicaTaskSessions' : 'backupTaskSessions'}/${task.id}`;
}

function taskSessionName(task: SimTaskSession): string {
  return `${task.objectName}@${timestamp(task.creationTime)}`;
}

export function taskSessionRefEl(base: string, session: SimSession, task: SimTaskSession): El {
  const href = taskSessionHref(base, session, task);
  const type = kindOf(session).task;
  return el(
    'Ref',
    {
      Type: `${type}Reference`,
      Href: href,
      Name: taskSessionName(task),
      UID: `urn:veeam:${type}:${task.id}`,
    },
    [links([link('Alternate', `${href}?format=Entity`, type, taskSessionName(task))])],
  );
}

/** BackupTaskSession as on the docs' GET /backupTaskSessions/{ID} page; Reason is empty unless Warning/Failed. */
export function taskSessionEntityEl(base: string, session: SimSession, task: SimTaskSession): El {
  const href = taskSessionHref(base, session, task);
  const kind = kindOf(session);
  const children: El[] = [
    links([
      serverLink(base),
      link('Up', sessionHref(base, session), `${kind.type}Reference`, session.name),
      link('Alternate', href, `${kind.task}Reference`, taskSessionName(task)),
    ]),
    field('JobSessionUid', sessionUid(session)),
    field('CreationTimeUTC', iso(task.creationTime)),
  ];
  if (task.endTime !== undefined) children.push(field('EndTimeUTC', iso(task.endTime)));
  children.push(
    field('State', task.state),
    field('Result', task.result),
    field('Reason', task.reason),
    field('TotalSize', 12_884_901_888),
    field('VmUid', `urn:VMware:Vm:${task.id}`),
  );
  return el(
    kind.task,
    {
      Href: `${href}?format=Entity`,
      Type: kind.task,
      Name: taskSessionName(task),
      UID: `urn:veeam:${kind.task}:${task.id}`,
      VmDisplayName: task.objectName,
    },
    children,
  );
}
