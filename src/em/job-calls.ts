// Jobs of every kind over EM: every job (query service, all pages), one job, jobs by name, an action sent through
// the link EM gave, and a job's sessions (em-api.md facts 11, 15).

import { actionLinkPath, findActionLink, type LinkTarget } from './action-link.js';
import { EmError } from './errors.js';
import { requireGuid } from './ids.js';
import { parseJob, parseJobQueryPage, parseJobSessions, parseSessionQueryPage, parseTask } from './parse.js';
import { jobQueryPath, replicaSessionsOfJobPath } from './query-filter.js';
import { allRead, readAllPages } from './query-pager.js';
import type { EmRequester } from './requester.js';
import type { Job, JobAction, JobKind, JobSession, Task } from './types.js';

/** Agent and NAS jobs first: their own query types describe them best; /query?type=Job may list them again. */
const JOB_QUERY_TYPES = ['AgentBackupJob', 'NasJob', 'Job'] as const;

const COLLECTIONS: Record<JobKind, readonly string[]> = {
  agent: ['/agents/jobs'],
  'file-share': ['/nas/jobs'],
  'vm-backup': ['/jobs'],
  replica: ['/jobs'],
  'backup-copy': ['/jobs'],
  other: ['/jobs', '/agents/jobs', '/nas/jobs'],
};

/** Every job of every kind, sorted by name. */
export function listJobs(em: EmRequester): Promise<Job[]> {
  return queryJobs(em, undefined);
}

/** Jobs named exactly `name` (EM compares case-insensitively), of every kind. */
export function findJobsByName(em: EmRequester, name: string): Promise<Job[]> {
  return queryJobs(em, name);
}

async function queryJobs(em: EmRequester, name: string | undefined): Promise<Job[]> {
  // The query types are independent reads: asked at once, merged in their order.
  const perType = await allRead(JOB_QUERY_TYPES.map((type) => jobsOfType(em, type, name)));
  const byId = new Map<string, Job>();
  for (const job of perType.flat()) if (!byId.has(job.id)) byId.set(job.id, job);
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

async function jobsOfType(
  em: EmRequester,
  type: (typeof JOB_QUERY_TYPES)[number],
  name: string | undefined,
): Promise<Job[]> {
  let jobs: Job[];
  try {
    jobs = await readAllPages(em, jobQueryPath(type, name), parseJobQueryPage);
  } catch (err) {
    // An EM older than v10 has no NasJob/AgentBackupJob query type and answers 400/404: say so, list the rest.
    if (type === 'Job' || !isUnknownTypeAnswer(err)) throw err;
    const level = em.firstTime(`unknown-query-type:${type}`) ? 'warn' : 'debug';
    em.logger[level]('EM does not know this query type; its jobs are not listed (logged once at warn)', {
      queryType: type,
      error: err,
    });
    return [];
  }
  for (const job of jobs) noteUnknownKind(em, job, type);
  return jobs;
}

/**
 * GET the job entity. `kind` (or a UID's type segment) picks the collection; a bare GUID is looked up in /jobs,
 * then /agents/jobs, then /nas/jobs.
 */
export async function getJob(em: EmRequester, idOrUid: string, kind?: JobKind): Promise<Job> {
  const guid = requireGuid(idOrUid, 'job ID');
  const collections = kind ? COLLECTIONS[kind] : collectionsForUid(idOrUid);
  for (const [index, collection] of collections.entries()) {
    try {
      const job = await em.read('GET', `${collection}/${guid}?format=Entity`, parseJob);
      noteUnknownKind(em, job, collection);
      return job;
    } catch (err) {
      const last = index === collections.length - 1;
      if (last || !(err instanceof EmError && err.kind === 'http' && err.status === 404)) throw err;
    }
  }
  throw new EmError('invalid-id', `"${guid}" names no job.`);
}

/** POST to the path+query of EM's own action link (validated), on the configured EM base URL. */
export async function runJobAction(em: EmRequester, job: Job, action: JobAction): Promise<Task> {
  const target: LinkTarget = { collections: COLLECTIONS[job.kind], id: job.id, label: `job "${job.name}"` };
  const link = findActionLink(job.links, action);
  if (link === undefined) {
    em.logger.info('EM offers no link for this job action; refused', {
      job: job.name,
      jobId: job.id,
      action,
    });
    throw new EmError('action-unavailable', noLinkMessage(job, action));
  }
  let path: string;
  try {
    path = actionLinkPath(link, action, target);
  } catch (err) {
    em.logger.warn('Refused an EM action link', {
      job: job.name,
      jobId: job.id,
      action,
      href: link.href,
      error: err,
    });
    throw err;
  }
  return em.read('POST', path, parseTask);
}

/** The job's sessions, newest first: its backupSessions collection, or for replication the query service. */
export async function listSessionsOfJob(em: EmRequester, job: Job): Promise<JobSession[]> {
  const guid = requireGuid(job.id, 'job ID');
  let sessions: JobSession[];
  if (job.kind === 'replica') {
    const parse = (body: string, format: 'json' | 'xml') => parseSessionQueryPage(body, format, 'replica');
    sessions = await readAllPages(em, replicaSessionsOfJobPath(job.uid), parse);
  } else {
    const collection =
      job.kind === 'agent' ? '/agents/jobs' : job.kind === 'file-share' ? '/nas/jobs' : '/jobs';
    sessions = await em.read('GET', `${collection}/${guid}/backupSessions?format=Entity`, (body, format) =>
      parseJobSessions(body, format, 'backup'),
    );
  }
  return sessions.sort((a, b) => timeOf(b.creationTime) - timeOf(a.creationTime));
}

function collectionsForUid(idOrUid: string): readonly string[] {
  const type = idOrUid.trim().split(':')[2]?.toLowerCase();
  if (type === 'agentbackupjob') return COLLECTIONS.agent;
  if (type === 'nasjob') return COLLECTIONS['file-share'];
  if (type === 'job') return ['/jobs'];
  return COLLECTIONS.other;
}

function noteUnknownKind(em: EmRequester, job: Job, source: string): void {
  if (job.kind !== 'other') return;
  em.logger.warn('EM job of a JobType we do not know; kept as kind "other"', {
    job: job.name,
    jobId: job.id,
    jobType: job.jobType,
    source,
  });
}

function noLinkMessage(job: Job, action: JobAction): string {
  let hint = '';
  if (action === 'start' && job.kind === 'backup-copy')
    hint = ' Backup copy jobs run with sync instead of start.';
  if (action === 'sync' && job.kind !== 'backup-copy') hint = ' Only backup copy jobs sync.';
  return `Enterprise Manager offers no ${action} for job "${job.name}" right now, so nothing was sent.${hint}`;
}

function isUnknownTypeAnswer(err: unknown): boolean {
  return err instanceof EmError && err.kind === 'http' && (err.status === 400 || err.status === 404);
}

export function timeOf(iso: string): number {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? 0 : ms;
}
