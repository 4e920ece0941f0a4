// One incident per job while it keeps failing: the first problem run opens it, later ones are threaded under it with
// a growing tally, and the first success resolves it. Each ended session is handled once (state `seen`). A job Veeam
// retries by itself reads "attempt n of m", and pages on-call as VEEAM_MENTION_ON says (attempts.ts).

import type { JobSession } from '../em/types.js';
import { type AttemptedFailure, attemptedFailure, NO_RETRIES, pagesFor, recoveredOn } from './attempts.js';
import { isProblem, joinStorm, stormListing, stormReason } from './failure-storm.js';
import { isDroppedForGood, updateBestEffort } from './incident-publisher.js';
import { endLongRunning } from './long-running.js';
import { type MonitorParts, type PollContext, recordOf } from './monitor-parts.js';
import type { IncidentCard, MonitorState, OpenIncident } from './monitor-state.js';
import { endMs, toSessionRecord } from './session-record.js';

/** Where an incident's replies go: its own card, or the storm summary the card is a reply to. */
function threadOf(incident: OpenIncident): string {
  return incident.threadTs ?? incident.ts;
}

/** Returns false when the post failed; the session stays unseen and is tried again on the next poll. */
export async function handleEnded(
  parts: MonitorParts,
  state: MonitorState,
  ctx: PollContext,
  session: JobSession,
  now: number,
): Promise<boolean> {
  // An earlier run of this job is waiting for Slack: this one must not be handled before it (a success would
  // resolve nothing and the failure would then open an incident that never resolves).
  if (ctx.deferredJobs.has(session.jobId)) return false;
  const ended = endMs(session, now);
  await endLongRunning(parts, state, session);
  if (ended >= state.announceAfterMs) {
    try {
      if (isProblem(parts, session)) {
        await reportProblem(parts, state, ctx, session, ended);
      } else if (session.result === 'Success') {
        await resolveIncident(parts, state, ctx, session, ended);
      } else {
        stopAwaitingRetry(state, session, ended);
      }
    } catch (error) {
      // Slack will never take it (the publisher logged why): holding it back would pin the query window for days.
      if (isDroppedForGood(error)) {
        state.seen[session.id] = ended;
        return true;
      }
      parts.logger.warn('could not post a backup session to Slack; it is tried again on the next poll', {
        sessionId: session.id,
        jobId: session.jobId,
        error,
      });
      return false;
    }
  }
  state.seen[session.id] = ended;
  return true;
}

async function reportProblem(
  parts: MonitorParts,
  state: MonitorState,
  ctx: PollContext,
  session: JobSession,
  ended: number,
): Promise<void> {
  const open = state.incidents[session.jobId];
  if (open !== undefined) {
    await repeatIncident(parts, state, ctx, open, session, ended);
    return;
  }
  const failed = session.result === 'Failed';
  const tried = attemptOfRun(parts, ctx, session, undefined, ended);
  const card: IncidentCard = {
    jobId: session.jobId,
    jobName: session.jobName,
    jobType: session.jobType,
    failures: failed ? 1 : 0,
    warnings: failed ? 0 : 1,
    openedAt: session.endTime ?? new Date(ended).toISOString(),
    latest: recordOf(ctx, session),
    retryOffered: ctx.details.retryOffered.get(session.jobId) ?? false,
    ...(tried.attempt ? { attempt: tried.attempt } : {}),
  };
  if (ctx.storm !== undefined) {
    // The storm's summary paged for it: no retry wait of its own.
    await joinStorm(parts, state, ctx, ctx.storm, card, session, ended);
    return;
  }
  const mention = tried.pages ? parts.config.incidentMention : undefined;
  const ts = await parts.publisher.post(parts.channel, { kind: 'incident-opened', card, mention });
  state.incidents[session.jobId] = {
    ...card,
    channel: parts.channel,
    ts,
    lastProblemEndMs: ended,
    ...(tried.retryDueMs !== undefined ? { retryDueMs: tried.retryDueMs } : {}),
  };
  parts.logger.info('incident opened', {
    jobId: session.jobId,
    sessionId: session.id,
    result: session.result,
  });
}

/** A further problem run: a reply in the incident's thread, then the card's tally (and its storm's listing). */
async function repeatIncident(
  parts: MonitorParts,
  state: MonitorState,
  ctx: PollContext,
  open: OpenIncident,
  session: JobSession,
  ended: number,
): Promise<void> {
  const failed = session.result === 'Failed';
  // A late-arriving older run adds to the tally but does not replace the newest run on the card.
  const newest = ended >= open.lastProblemEndMs;
  const record = recordOf(ctx, session);
  const tried = newest ? attemptOfRun(parts, ctx, session, open, ended) : undefined;
  const next: OpenIncident = {
    ...withoutAttempt(open, tried !== undefined),
    jobName: newest ? session.jobName : open.jobName,
    failures: open.failures + (failed ? 1 : 0),
    warnings: open.warnings + (failed ? 0 : 1),
    latest: newest ? record : open.latest,
    retryOffered: ctx.details.retryOffered.get(session.jobId) ?? open.retryOffered,
    lastProblemEndMs: Math.max(open.lastProblemEndMs, ended),
    ...(tried?.attempt ? { attempt: tried.attempt } : {}),
    // A card in a storm thread awaits no retry of its own: the storm's summary paged for it.
    ...(tried?.retryDueMs !== undefined && open.threadTs === undefined
      ? { retryDueMs: tried.retryDueMs }
      : {}),
  };
  // In a storm's thread an attempt never pages: the summary paged for its jobs.
  const quiet = tried?.pages === false || (open.threadTs !== undefined && tried?.attempt !== undefined);
  const mention = quiet ? undefined : parts.config.incidentMention;
  const event = {
    kind: 'incident-repeated',
    card: next,
    session: record,
    mention,
  } as const;
  await parts.publisher.post(open.channel, event, threadOf(open));
  state.incidents[session.jobId] = next;
  const inStorm = stormListing(state, open.threadTs, session.jobId);
  if (inStorm !== undefined && newest && inStorm.listed.result !== session.result) {
    inStorm.listed.result = session.result;
    inStorm.listed.reason = stormReason(record);
    ctx.changedStorms.add(inStorm.storm);
  }
  // A card in a storm thread never carries the mention: the summary paged for it.
  const cardMention =
    open.threadTs === undefined &&
    (next.attempt === undefined || pagesFor(parts.config.mentionOn, next.attempt))
      ? parts.config.incidentMention
      : undefined;
  await updateBestEffort(
    parts.publisher,
    parts.logger,
    open,
    { kind: 'incident-changed', card: next, mention: cardMention },
    { what: 'incident count', jobId: session.jobId },
  );
}

async function resolveIncident(
  parts: MonitorParts,
  state: MonitorState,
  ctx: PollContext,
  session: JobSession,
  ended: number,
): Promise<void> {
  const open = state.incidents[session.jobId];
  // A success that ended before the newest problem (EM reported it late) says nothing about the problem.
  if (open === undefined || ended <= open.lastProblemEndMs) return;
  const success = toSessionRecord(session);
  const recovered = recoveredOn(session, open);
  const resolved = { kind: 'incident-resolved', card: open, success, recoveredOn: recovered } as const;
  await parts.publisher.post(open.channel, resolved, threadOf(open));
  delete state.incidents[session.jobId];
  const inStorm = stormListing(state, open.threadTs, session.jobId);
  if (inStorm !== undefined && !inStorm.listed.resolved) {
    inStorm.listed.resolved = true;
    ctx.changedStorms.add(inStorm.storm);
  }
  parts.logger.info('incident resolved', {
    jobId: session.jobId,
    sessionId: session.id,
    failures: open.failures,
  });
  await updateBestEffort(parts.publisher, parts.logger, open, resolved, {
    what: 'resolved incident',
    jobId: session.jobId,
  });
}

/**
 * Which of Veeam's attempts a problem run is, whether it pages, and until when a retry is awaited. Only failures
 * count (Veeam never retries a Warning); a job without retries has no attempt and pages as before.
 */
function attemptOfRun(
  parts: MonitorParts,
  ctx: PollContext,
  session: JobSession,
  open: OpenIncident | undefined,
  ended: number,
): AttemptedFailure {
  if (session.result !== 'Failed') return { pages: true };
  const policy = ctx.details.retryPolicy.get(session.jobId) ?? NO_RETRIES;
  return attemptedFailure(session, open, policy, {
    mentionOn: parts.config.mentionOn,
    endedMs: ended,
    pollIntervalSeconds: parts.config.monitorIntervalSeconds,
  });
}

/** A run that is neither a problem nor a success (a Warning not posted) still followed the awaited retry. */
function stopAwaitingRetry(state: MonitorState, session: JobSession, ended: number): void {
  const open = state.incidents[session.jobId];
  if (open?.retryDueMs === undefined || ended <= open.lastProblemEndMs) return;
  const { retryDueMs: _due, ...rest } = open;
  state.incidents[session.jobId] = rest;
}

/** The incident without its attempt and retry wait, when the newest run replaces them. */
function withoutAttempt(open: OpenIncident, replaced: boolean): OpenIncident {
  if (!replaced) return open;
  const { attempt: _attempt, retryDueMs: _due, ...rest } = open;
  return rest;
}
