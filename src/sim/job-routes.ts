// Job routes: /agents/jobs, /jobs (Backup, Replica, BackupCopy, ImmediateBackupCopy) and /nas/jobs: the
// collection (refs, or entities with ?format=Entity), one job, its actions (POST ?action=…) and its sessions.

import {
  type Answer,
  HttpError,
  isEntityFormat,
  onlyGet,
  requireGuid,
  type SimRequest,
} from './http-answer.js';
import type { JobKind, SimJob } from './inventory-model.js';
import { isReplicaSession } from './inventory-model.js';
import { planJobAction } from './job-actions.js';
import { jobEntity } from './job-entity.js';
import { entityListEl, entityReferencesEl, jobRefEl } from './representations.js';
import { type SimContext, startTask } from './route-context.js';
import { sessionList } from './session-routes.js';

const COLLECTION_NAMES: Record<JobKind, string> = { agent: 'AgentBackupJobs', vm: 'Jobs', nas: 'NASJobs' };

export function routeJobs(ctx: SimContext, r: SimRequest, rest: string[], kind: JobKind): Answer {
  if (rest.length === 0) return jobCollection(ctx, r, kind);
  const id = requireGuid(rest[0] as string);
  const job = ctx.inventory.job(id);
  if (!job || job.kind !== kind) throw new HttpError(404, `Job with ID "${id}" was not found.`);
  if (rest.length === 1) return r.method === 'POST' ? jobAction(ctx, r, job) : oneJob(ctx, r, job);
  const sub = rest[1]?.toLowerCase();
  if (rest.length === 2 && (sub === 'backupsessions' || sub === 'replicasessions')) {
    onlyGet(r);
    // A replication job's runs are under replicaSessions, every other job's under backupSessions.
    const replica = sub === 'replicasessions';
    const sessions = ctx.inventory.jobSessions(job.id).filter((s) => isReplicaSession(s) === replica);
    return sessionList(ctx, r, sessions, replica);
  }
  throw new HttpError(404, 'Resource was not found.');
}

function jobCollection(ctx: SimContext, r: SimRequest, kind: JobKind): Answer {
  onlyGet(r);
  const jobs = [...ctx.inventory.jobs.values()].filter((j) => j.kind === kind);
  if (isEntityFormat(r.params)) {
    const entities = jobs.map((j) => jobEntity(ctx.base, j, ctx.inventory.lastSession(j.id)?.result));
    return { status: 200, body: entityListEl(COLLECTION_NAMES[kind], entities) };
  }
  return { status: 200, body: entityReferencesEl(jobs.map((j) => jobRefEl(ctx.base, j, 'Ref'))) };
}

function oneJob(ctx: SimContext, r: SimRequest, job: SimJob): Answer {
  onlyGet(r);
  const body = isEntityFormat(r.params)
    ? jobEntity(ctx.base, job, ctx.inventory.lastSession(job.id)?.result)
    : jobRefEl(ctx.base, job, 'EntityRef');
  return { status: 200, body };
}

function jobAction(ctx: SimContext, r: SimRequest, job: SimJob): Answer {
  const action = r.params.get('action');
  if (!action) throw new HttpError(400, 'The action parameter is required.');
  const plan = planJobAction(ctx.inventory, job, action);
  if (!plan) throw new HttpError(400, `Action "${action}" is not supported for this job.`);
  return startTask(ctx, r, plan);
}
