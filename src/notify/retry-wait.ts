// Failed attempts that did not page wait for Veeam's next retry. When none shows up in time (a run a user started
// is never retried, or the schedule was disabled meanwhile), the attempt was the last one: say so in the incident's
// thread and page on-call then, so VEEAM_MENTION_ON=final never swallows a page.

import type { JobSession } from '../em/types.js';
import { isDroppedForGood, updateBestEffort } from './incident-publisher.js';
import type { MonitorParts, PollContext } from './monitor-parts.js';
import type { MonitorState, OpenIncident } from './monitor-state.js';

/**
 * Pages for every incident whose awaited retry is overdue and not running now. `running` reads the running
 * sessions (only when some wait is overdue); undefined when EM could not say, then the next poll looks again.
 */
export async function settleOverdueRetries(
  parts: MonitorParts,
  state: MonitorState,
  ctx: PollContext,
  now: number,
  running: () => Promise<JobSession[] | undefined>,
): Promise<void> {
  const overdue = Object.values(state.incidents).filter(
    (incident) =>
      incident.retryDueMs !== undefined &&
      incident.retryDueMs <= now &&
      !ctx.deferredJobs.has(incident.jobId),
  );
  if (overdue.length === 0) return;
  const sessions = await running();
  if (sessions === undefined) return;
  const retrying = new Set(sessions.map((s) => s.jobId));
  for (const incident of overdue) {
    // A retry runs (late or long): its end is reported like any run.
    if (retrying.has(incident.jobId)) continue;
    await announceLastAttempt(parts, state, incident);
  }
}

async function announceLastAttempt(
  parts: MonitorParts,
  state: MonitorState,
  incident: OpenIncident,
): Promise<void> {
  const { retryDueMs: _due, ...rest } = incident;
  const next: OpenIncident = {
    ...rest,
    ...(incident.attempt ? { attempt: { ...incident.attempt, last: true } } : {}),
  };
  const mention = parts.config.incidentMention;
  try {
    await parts.publisher.post(
      incident.channel,
      { kind: 'retries-over', card: next, mention },
      incident.threadTs ?? incident.ts,
    );
  } catch (error) {
    if (!isDroppedForGood(error)) {
      parts.logger.warn(
        'could not post that no retry followed a failed attempt; tried again on the next poll',
        {
          jobId: incident.jobId,
          error,
        },
      );
      return;
    }
  }
  state.incidents[incident.jobId] = next;
  parts.logger.info('no retry followed a failed attempt; on-call paged', {
    jobId: incident.jobId,
    attempt: incident.attempt,
  });
  await updateBestEffort(
    parts.publisher,
    parts.logger,
    next,
    { kind: 'incident-changed', card: next, mention: next.threadTs === undefined ? mention : undefined },
    { what: 'last attempt', jobId: incident.jobId },
  );
}
