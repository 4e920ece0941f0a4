// What a problem run's card needs beyond the session itself, read from EM before anything of the poll is posted:
// why it failed (real EM leaves FailureMessage null; the reasons are on its task sessions, em-api.md fact 12) and
// whether EM offers Retry on its job (the job's links), and how Veeam retries the job by itself (its RetryOptions).
// A read that fails never holds an incident back.

import { findActionLink } from '../em/action-link.js';
import type { EmApi } from '../em/api.js';
import type { Job, JobSession, TaskSession } from '../em/types.js';
import type { Logger } from '../log/logger.js';
import { NO_RETRIES, type RetryPolicy } from './attempts.js';
import type { FailedObject, TaskReasons } from './monitor-state.js';
import { jobKindOf } from './query-monitored-sessions.js';

/** Objects kept per run: the card shows these and counts the rest ("and N more"). */
const MAX_KEPT_OBJECTS = 5;
/** A bound on what the state file keeps of one reason (the card cuts far shorter, after escaping). */
const MAX_KEPT_REASON_CHARS = 2_000;
/** EM reads in flight at once: a busy night's hundreds of failures, without a burst EM would feel. */
const CONCURRENT_READS = 4;

/** Per poll: each problem session's reasons, each job's Retry offer and retry settings. */
export interface ProblemDetails {
  reasons: Map<string, TaskReasons>;
  retryOffered: Map<string, boolean>;
  retryPolicy: Map<string, RetryPolicy>;
}

export function noProblemDetails(): ProblemDetails {
  return { reasons: new Map(), retryOffered: new Map(), retryPolicy: new Map() };
}

/** Reads the details of every session in `problems` (each job's links once), a few requests at a time. */
export async function readProblemDetails(
  em: EmApi,
  logger: Logger,
  problems: JobSession[],
): Promise<ProblemDetails> {
  const details = noProblemDetails();
  const withoutMessage = problems.filter((s) => !s.failureMessage?.trim());
  await eachLimited(withoutMessage, async (session) => {
    details.reasons.set(session.id, await readTaskReasons(em, logger, session));
  });
  const jobs = new Map(problems.map((s) => [s.jobId, s]));
  await eachLimited([...jobs.values()], async (session) => {
    const job = await readJob(em, logger, session);
    details.retryOffered.set(
      session.jobId,
      job !== undefined && findActionLink(job.links, 'retry') !== undefined,
    );
    details.retryPolicy.set(session.jobId, job === undefined ? NO_RETRIES : retryPolicyOf(job));
  });
  return details;
}

async function readTaskReasons(em: EmApi, logger: Logger, session: JobSession): Promise<TaskReasons> {
  let tasks: TaskSession[];
  try {
    tasks = await em.listTaskSessions(session);
  } catch (error) {
    logger.warn(
      "could not read a failed session's task sessions; its card says the reason could not be read",
      {
        sessionId: session.id,
        jobId: session.jobId,
        error,
      },
    );
    return { read: false };
  }
  // Failed objects first, then warnings, each in EM's order.
  const problems = [
    ...tasks.filter((t) => t.result === 'Failed'),
    ...tasks.filter((t) => t.result === 'Warning'),
  ];
  return { read: true, objects: problems.slice(0, MAX_KEPT_OBJECTS).map(keptObject), total: problems.length };
}

function keptObject(task: TaskSession): FailedObject {
  const reason = task.reason?.trim();
  return {
    objectName: task.objectName,
    result: task.result,
    ...(reason ? { reason: reason.slice(0, MAX_KEPT_REASON_CHARS) } : {}),
  };
}

/**
 * The job of a problem run: its links say whether a retry is possible now, its RetryOptions how Veeam retries it.
 * Unreadable (or deleted): no Retry button, and no retries counted (the card reads as without retries and pages).
 */
async function readJob(em: EmApi, logger: Logger, session: JobSession): Promise<Job | undefined> {
  try {
    return await em.getJob(session.jobId, jobKindOf(session.jobType));
  } catch (error) {
    logger.warn('could not read the job of a failed session; its card offers no Retry', {
      jobId: session.jobId,
      jobName: session.jobName,
      error,
    });
    return undefined;
  }
}

/** Retries only when EM says they are on (RetrySpecified) and how many (RetryTimes). */
function retryPolicyOf(job: Job): RetryPolicy {
  const retry = job.schedule.retry;
  if (retry?.specified !== true || retry.times === undefined || retry.times <= 0) return NO_RETRIES;
  return { times: retry.times, timeoutMinutes: Math.max(0, retry.timeoutMinutes ?? 0) };
}

async function eachLimited<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_READS, items.length) }, worker));
}
