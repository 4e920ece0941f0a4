// Failure storms: many jobs failing at once (a repository outage) get one summary post, and their incident cards go
// into its thread instead of one top-level post each (and a burst of 429s). Decides, joins and updates storms.

import type { JobSession } from '../em/types.js';
import { isDroppedForGood, updateBestEffort } from './incident-publisher.js';
import { type MonitorParts, type PollContext, recordOf } from './monitor-parts.js';
import type { IncidentCard, MonitorState, SessionRecord, Storm, StormJob } from './monitor-state.js';
import { endMs } from './session-record.js';

/**
 * More jobs than this with a new problem (and no open incident) in one poll make a storm: one top-level summary
 * and the incident cards as replies in its thread, instead of one top-level post per job (and a burst of 429s).
 */
export const STORM_THRESHOLD = 5;
/** Jobs that fail later join an open storm (one with unresolved jobs) while it is younger than this. */
export const STORM_JOIN_WINDOW_MS = 12 * 3_600_000;
/** What a storm keeps of EM's reason: its first line, cut here (the card in the thread has it all). */
export const MAX_STORM_REASON_CHARS = 120;

/** The first non-empty line of EM's failure message, cut short for a one-line listing. */
export function reasonFirstLine(failureMessage: string | undefined): string {
  const line = (failureMessage ?? '')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== '');
  const reason = line ?? 'EM gave no failure message.';
  return reason.length > MAX_STORM_REASON_CHARS ? `${reason.slice(0, MAX_STORM_REASON_CHARS - 1)}…` : reason;
}

/**
 * What a storm lists (and groups jobs by) as a run's reason: the first line of EM's FailureMessage, else of its
 * first failed object's Reason (real EM: task sessions, em-api.md fact 12), else why there is none.
 */
export function stormReason(record: SessionRecord): string {
  if (record.failureMessage?.trim()) return reasonFirstLine(record.failureMessage);
  const reasons = record.taskReasons;
  if (reasons === undefined) return reasonFirstLine(undefined);
  if (!reasons.read) return 'The reason could not be read from EM.';
  const given = reasons.objects.find((o) => o.reason !== undefined);
  if (given !== undefined) return reasonFirstLine(given.reason);
  return reasons.total > 0 ? 'EM gave no reason for the failed objects.' : reasonFirstLine(undefined);
}

function stormJob(record: SessionRecord): StormJob {
  return {
    jobName: record.jobName,
    jobType: record.jobType,
    result: record.result,
    reason: stormReason(record),
    resolved: false,
  };
}

export function isProblem(parts: MonitorParts, session: JobSession): boolean {
  return session.result === 'Failed' || (session.result === 'Warning' && parts.config.notifyWarnings);
}

/** The newest saved storm that still has unresolved jobs and is younger than the join window. */
function joinableStorm(state: MonitorState, now: number): Storm | undefined {
  return Object.values(state.storms)
    .filter(
      (storm) =>
        storm.openedAtMs >= now - STORM_JOIN_WINDOW_MS && Object.values(storm.jobs).some((j) => !j.resolved),
    )
    .sort((a, b) => b.openedAtMs - a.openedAtMs)[0];
}

/** The first announceable problem run of each job without an open incident, in the order they ended. */
function firstProblems(
  parts: MonitorParts,
  state: MonitorState,
  fresh: JobSession[],
  now: number,
): Map<string, JobSession> {
  const first = new Map<string, JobSession>();
  for (const session of fresh) {
    if (!isProblem(parts, session) || endMs(session, now) < state.announceAfterMs) continue;
    if (state.incidents[session.jobId] !== undefined || first.has(session.jobId)) continue;
    first.set(session.jobId, session);
  }
  return first;
}

/**
 * Decides before any post of this poll whether new incidents go to a storm thread: an open storm younger than
 * the join window takes them; otherwise more than STORM_THRESHOLD new ones open a storm, whose summary is posted
 * first. If Slack refuses that summary, those jobs wait for the next poll rather than fall back to one post each.
 */
export async function prepareStorm(
  parts: MonitorParts,
  state: MonitorState,
  ctx: PollContext,
  fresh: JobSession[],
  now: number,
): Promise<void> {
  ctx.storm = joinableStorm(state, now);
  if (ctx.storm !== undefined) return;
  const firstProblem = firstProblems(parts, state, fresh, now);
  if (firstProblem.size <= STORM_THRESHOLD) return;

  const problems = [...firstProblem.values()];
  const storm: Storm = {
    channel: parts.channel,
    ts: '',
    openedAtMs: now,
    since: problems[0]?.endTime ?? new Date(now).toISOString(),
    jobs: Object.fromEntries(problems.map((s) => [s.jobId, stormJob(recordOf(ctx, s))])),
  };
  try {
    const event = { kind: 'storm-opened', storm, mention: parts.config.incidentMention } as const;
    storm.ts = await parts.publisher.post(parts.channel, event);
  } catch (error) {
    // Never postable: each job gets its own card instead (held back, they would pin the query window).
    if (isDroppedForGood(error)) return;
    parts.logger.warn('could not post a failure storm summary to Slack; tried again on the next poll', {
      jobs: problems.length,
      error,
    });
    for (const jobId of firstProblem.keys()) ctx.deferredJobs.add(jobId);
    return;
  }
  state.storms[storm.ts] = storm;
  ctx.storm = storm;
  ctx.pagedStorms.add(storm);
  parts.logger.info('failure storm opened', { jobs: problems.length, ts: storm.ts });
}

/**
 * The job's usual incident card, as a reply in the storm's thread. The mention pages once per storm and poll:
 * never for jobs the summary already listed as open, once for the first failed job that joins later.
 */
export async function joinStorm(
  parts: MonitorParts,
  state: MonitorState,
  ctx: PollContext,
  storm: Storm,
  card: IncidentCard,
  session: JobSession,
  ended: number,
): Promise<void> {
  const listed = storm.jobs[session.jobId];
  const alreadyAnnounced = listed !== undefined && !listed.resolved;
  const mention = parts.config.incidentMention;
  const page = !alreadyAnnounced && !ctx.pagedStorms.has(storm) && card.failures > 0 && mention !== undefined;
  const event = { kind: 'incident-opened', card, mention: page ? mention : undefined } as const;
  const ts = await parts.publisher.post(storm.channel, event, storm.ts);
  if (page) ctx.pagedStorms.add(storm);
  state.incidents[session.jobId] = {
    ...card,
    channel: storm.channel,
    ts,
    threadTs: storm.ts,
    lastProblemEndMs: ended,
  };
  if (!alreadyAnnounced) {
    storm.jobs[session.jobId] = stormJob(card.latest);
    if (Date.parse(card.openedAt) < Date.parse(storm.since)) storm.since = card.openedAt;
    ctx.changedStorms.add(storm);
  }
  parts.logger.info('incident opened in a failure storm thread', {
    jobId: session.jobId,
    sessionId: session.id,
    result: session.result,
    stormTs: storm.ts,
  });
}

/** The storm a job's incident card is threaded in, and its listing there (either may be gone). */
export function stormListing(
  state: MonitorState,
  threadTs: string | undefined,
  jobId: string,
): { storm: Storm; listed: StormJob } | undefined {
  const storm = threadTs === undefined ? undefined : state.storms[threadTs];
  const listed = storm?.jobs[jobId];
  return storm === undefined || listed === undefined ? undefined : { storm, listed };
}

/** One update per storm whose jobs joined, changed or resolved this poll. */
export async function updateStormSummaries(parts: MonitorParts, ctx: PollContext): Promise<void> {
  for (const storm of ctx.changedStorms) {
    await updateBestEffort(
      parts.publisher,
      parts.logger,
      storm,
      { kind: 'storm-changed', storm, mention: parts.config.incidentMention },
      { what: 'storm summary', ts: storm.ts },
    );
    if (Object.values(storm.jobs).every((j) => j.resolved)) {
      parts.logger.info('failure storm resolved', { jobs: Object.keys(storm.jobs).length, ts: storm.ts });
    }
  }
}
