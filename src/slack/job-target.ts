// Turns a job or session reference into an action target, answering the user when it cannot.

import { isEmError } from '../em/errors.js';
import type { Job } from '../em/types.js';
import { findJob } from '../ops/find-job.js';
import type { ActionTarget, JobActionName } from '../ops/intent.js';
import { jobNotFoundMessage, pickJobMessage } from './blocks.js';
import type { SlackDeps } from './deps.js';
import type { Origin } from './origin.js';

/**
 * The one job `ref` names; otherwise the user gets a pick list or "not found" with the closest names, as buttons
 * that continue `action` (the write asked for) or, without one, show the job's card.
 */
export async function jobFromRef(
  deps: SlackDeps,
  origin: Origin,
  ref: string,
  action?: JobActionName,
): Promise<Job | undefined> {
  const resolution = await findJob(deps.em, ref);
  if (resolution.kind === 'found') return resolution.job;
  await origin.tellUser(
    resolution.kind === 'ambiguous'
      ? pickJobMessage(resolution.jobs, ref, action)
      : jobNotFoundMessage(ref, resolution.closest, action),
  );
  return undefined;
}

/** A session to stop, read from EM first so the request names it (and a wrong ID is caught before any write). */
export async function sessionTarget(
  deps: SlackDeps,
  origin: Origin,
  sessionId: string,
): Promise<ActionTarget | undefined> {
  try {
    // A bare GUID: getSession reads EM's backup sessions, then its replica sessions.
    const session = await deps.em.getSession(sessionId);
    return {
      kind: 'session',
      sessionId: session.id || sessionId,
      sessionName: session.name,
      jobId: session.jobId,
      jobName: session.jobName,
      sessionKind: session.kind,
    };
  } catch (err) {
    if (isEmError(err) && err.status === 404) {
      await origin.tellUser(
        `No backup or replication session has ID \`${sessionId}\`. Check the ID (the GUID of the session).`,
      );
      return undefined;
    }
    throw err;
  }
}

/** The kind rides along, so every later read (approval, watcher) goes straight to the job's EM collection. */
export function jobTarget(job: Job): ActionTarget {
  return { kind: 'job', jobId: job.id, jobName: job.name, jobKind: job.kind };
}
