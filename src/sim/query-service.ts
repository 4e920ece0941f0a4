// GET /api/query?type=… (em-api.md §5): the query types the simulator serves, with their filter fields and
// wrapper names. Paging and the QueryResult shape are query-result.ts.
//
// Wrapper names: XML <Entities><AgentBackupJobs>…, <Jobs>, <NASJobs>, <BackupJobSessions>, <ReplicaJobSessions>,
// <BackupTaskSessions>, <Tasks>. JSON agent jobs are {"Entities":{"AgentBackupJob":{"AgentBackupJobs":[…]}}}: the
// singular outer name is the recorded key (fact 13) and what two public EM clients read. Tasks have no key in the
// recording; "Tasks" is inferred.

import { type El, el, link, links } from './em-element.js';
import type { Inventory } from './inventory.js';
import { isReplicaSession, type SimJob, type SimSession } from './inventory-model.js';
import { jobEntity } from './job-entity.js';
import type { FieldSpecs } from './query-filter.js';
import { QueryError, type QueryType, query } from './query-result.js';
import { jobRefEl, jobUid, taskEl } from './representations.js';
import { SIM_BACKUP_SERVER } from './seed-ids.js';
import { sessionEntityEl, sessionRefEl, sessionUid } from './session-representations.js';
import type { SimTask } from './task-book.js';

export { QueryError } from './query-result.js';

interface QueryContext {
  base: string;
  inventory: Inventory;
  /** This logon session's Tasks (type=Task). */
  tasks: () => SimTask[];
  failureMessageOnSessions: boolean;
}

const BACKUP_SERVER_FIELDS = {
  backupserveruid: { kind: 'text' as const, get: () => `urn:veeam:BackupServer:${SIM_BACKUP_SERVER.id}` },
  backupservername: { kind: 'text' as const, get: () => SIM_BACKUP_SERVER.name },
};

const JOB_FIELDS: FieldSpecs<SimJob> = {
  uid: { kind: 'text', get: (j) => jobUid(j) },
  name: { kind: 'text', get: (j) => j.name },
  description: { kind: 'text', get: (j) => j.description },
  jobtype: { kind: 'text', get: (j) => j.jobType },
  platform: { kind: 'text', get: (j) => j.platform },
  scheduleconfigured: { kind: 'bool', get: (j) => j.scheduleConfigured },
  scheduleenabled: { kind: 'bool', get: (j) => j.scheduleEnabled },
  ...BACKUP_SERVER_FIELDS,
};

const SESSION_FIELDS: FieldSpecs<SimSession> = {
  uid: { kind: 'text', get: (s) => sessionUid(s) },
  name: { kind: 'text', get: (s) => s.name },
  jobtype: { kind: 'text', get: (s) => s.jobType },
  jobuid: { kind: 'text', get: (s) => `urn:veeam:Job:${s.jobId}` },
  jobname: { kind: 'text', get: (s) => s.jobName },
  creationtime: { kind: 'date', get: (s) => s.creationTime },
  endtime: { kind: 'date', get: (s) => s.endTime },
  state: {
    kind: 'enum',
    order: ['Starting', 'Stopping', 'Working', 'Pausing', 'Resuming', 'Stopped'],
    get: (s) => s.state,
  },
  // EM compares enums by ordinal: None (still running) < Success < Warning < Failed.
  result: { kind: 'enum', order: ['None', 'Success', 'Warning', 'Failed'], get: (s) => s.result },
  isretry: { kind: 'bool', get: (s) => s.isRetry },
  ...BACKUP_SERVER_FIELDS,
};

const TASK_FIELDS: FieldSpecs<SimTask> = {
  taskid: { kind: 'text', get: (t) => t.id },
  state: { kind: 'enum', order: ['Running', 'OperationFinished', 'Finished'], get: (t) => t.state },
  operation: { kind: 'text', get: (t) => t.operation },
};

function wrapper(xml: string, jsonOuter = xml, jsonInner = xml) {
  return { xml, jsonOuter, jsonInner };
}

function jobQuery(
  ctx: QueryContext,
  kind: SimJob['kind'],
  names: QueryType<SimJob>['wrapper'],
): QueryType<SimJob> {
  return {
    items: () => [...ctx.inventory.jobs.values()].filter((j) => j.kind === kind),
    fields: JOB_FIELDS,
    ref: (j) => jobRefEl(ctx.base, j, 'Ref'),
    entity: (j) => jobEntity(ctx.base, j, ctx.inventory.lastSession(j.id)?.result),
    wrapper: names,
  };
}

function sessionQuery(ctx: QueryContext, replica: boolean): QueryType<SimSession> {
  const name = replica ? 'ReplicaJobSessions' : 'BackupJobSessions';
  return {
    items: () => [...ctx.inventory.sessions.values()].filter((s) => isReplicaSession(s) === replica),
    fields: SESSION_FIELDS,
    ref: (s) => sessionRefEl(ctx.base, s, 'Ref'),
    entity: (s) =>
      sessionEntityEl(ctx.base, s, ctx.inventory.job(s.jobId) as SimJob, {
        progress: ctx.inventory.progress(s),
        failureMessage: ctx.failureMessageOnSessions,
      }),
    wrapper: wrapper(name),
  };
}

function taskQuery(ctx: QueryContext): QueryType<SimTask> {
  return {
    items: ctx.tasks,
    fields: TASK_FIELDS,
    ref: (t) => taskRefEl(ctx.base, t),
    entity: (t) => taskEl(ctx.base, t),
    wrapper: wrapper('Tasks'),
  };
}

function taskRefEl(base: string, task: SimTask): El {
  const href = `${base}/tasks/${task.id}`;
  return el('Ref', { Type: 'TaskReference', Href: href, Name: task.id }, [
    links([link('Alternate', href, 'Task', task.id)]),
  ]);
}

export function runQuery(ctx: QueryContext, params: URLSearchParams): El {
  const typeName = (params.get('type') ?? '').toLowerCase();
  switch (typeName) {
    case 'agentbackupjob':
      return query(
        ctx.base,
        params,
        jobQuery(ctx, 'agent', wrapper('AgentBackupJobs', 'AgentBackupJob', 'AgentBackupJobs')),
      );
    case 'job':
      return query(ctx.base, params, jobQuery(ctx, 'vm', wrapper('Jobs')));
    case 'nasjob':
      return query(ctx.base, params, jobQuery(ctx, 'nas', wrapper('NASJobs')));
    case 'backupjobsession':
      return query(ctx.base, params, sessionQuery(ctx, false));
    case 'replicajobsession':
      return query(ctx.base, params, sessionQuery(ctx, true));
    case 'task':
      return query(ctx.base, params, taskQuery(ctx));
    case '':
      throw new QueryError('Query type is not specified.');
    default:
      throw new QueryError(
        `Query type "${params.get('type')}" is not supported by the simulator (AgentBackupJob, Job, NasJob, BackupJobSession, ReplicaJobSession, Task).`,
      );
  }
}
