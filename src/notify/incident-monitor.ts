// Polls EM for backup sessions that ended (and ones running too long) and posts incidents to the incident channel,
// one thread per job while its incident is open, each session once across restarts (state section 'monitor').
// Many jobs failing at once (a repository outage) make a storm instead: one summary post, the cards in its thread.

import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';
import type { NotifyConfig } from '../config.js';
import type { EmApi } from '../em/api.js';
import { describeEmError, isEmError } from '../em/errors.js';
import type { BackupSession } from '../em/types.js';
import type { Logger } from '../log/logger.js';
import type { SlackMessage } from '../slack/block-kit.js';
import type { StateStore } from '../state/state-store.js';
import {
  emBackMessage,
  emDownMessage,
  type IncidentCard,
  incidentFollowUp,
  incidentMessage,
  longRunningEndedMessage,
  longRunningMessage,
  resolvedMessage,
  resolvedReply,
  type SessionSummary,
} from './incident-messages.js';
import {
  baselineState,
  type MonitorState,
  type OpenIncident,
  pruneMonitorState,
  readMonitorState,
  type Storm,
} from './monitor-state.js';
import { reasonFirstLine, stormSummaryMessage } from './storm-messages.js';

export interface IncidentMonitorDeps {
  em: EmApi;
  slack: WebClient;
  store: StateStore;
  logger: Logger;
  clock: Clock;
  config: NotifyConfig;
}

/** VM job sessions and agent PARENT sessions; per-machine AgentManagement children would repeat the parent (em-api.md §4.4). */
const REPORTED_JOB_TYPES = ['Backup', 'AgentBackup'];
const RUNNING_STATES = ['Working', 'Starting'];
/**
 * Each query reaches back this far before the last poll: EM collects sessions from the backup servers with a delay,
 * so a session can show up with an EndTime slightly in the past; the seen set keeps the overlap from repeating posts.
 */
const QUERY_OVERLAP_MS = 15 * 60_000;
/** Seen sessions and long-running posts are remembered this long (far beyond the overlap). */
const SEEN_RETENTION_MS = 3 * 24 * 3_600_000;
/** An incident without a problem run for this long is forgotten (its job was probably deleted). */
const INCIDENT_RETENTION_MS = 30 * 24 * 3_600_000;
/** Polls in a row that must fail before the channel hears that EM is unreachable (one blip is not news). */
const OUTAGE_POLLS = 3;
/**
 * More jobs than this with a new problem (and no open incident) in one poll make a storm: one top-level summary
 * and the incident cards as replies in its thread, instead of one top-level post per job (and a burst of 429s).
 */
export const STORM_THRESHOLD = 5;
/** Jobs that fail later join an open storm (one with unresolved jobs) while it is younger than this. */
export const STORM_JOIN_WINDOW_MS = 12 * 3_600_000;

/** What one poll knows about storms. */
interface PollContext {
  /** The storm new incidents join this poll: opened now, or a saved one still open and young enough. */
  storm?: Storm;
  /** Jobs whose sessions wait for the next poll: a post for them failed, so later runs must not overtake it. */
  deferredJobs: Set<string>;
  /** Storms whose summary must be updated at the end of the poll. */
  changedStorms: Set<Storm>;
  /** Storms whose thread already paged the mention this poll (the summary itself, or a first joining card). */
  pagedStorms: Set<Storm>;
}

export class IncidentMonitor {
  private readonly channel: string;
  private state: MonitorState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** Polls never overlap: a timer poll and an explicit pollOnce() queue behind each other. */
  private inFlight: Promise<void> = Promise.resolve();

  constructor(private readonly deps: IncidentMonitorDeps) {
    if (deps.config.incidentChannel === undefined) {
      throw new Error(
        'IncidentMonitor needs config.incidentChannel (VEEAM_INCIDENT_CHANNEL); without it the monitor is off',
      );
    }
    this.channel = deps.config.incidentChannel;
  }

  /** Loads the saved state (or takes the first-start baseline) and polls every monitorIntervalSeconds. */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.ensureState();
    this.scheduleNext();
    this.deps.logger.info('incident monitor started', {
      channel: this.channel,
      intervalSeconds: this.deps.config.monitorIntervalSeconds,
      longRunningMinutes: this.deps.config.longRunningMinutes,
    });
  }

  /** Stops the timer, lets a poll in progress finish and hands the state to the store (the bot flushes it). */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inFlight;
    if (this.state !== undefined) this.save();
  }

  /** One poll now (queued behind a poll in progress). Never rejects: every failure is logged. */
  pollOnce(): Promise<void> {
    const poll = this.inFlight.then(() => this.poll());
    this.inFlight = poll;
    return poll;
  }

  private scheduleNext(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.pollOnce().then(() => {
        if (this.running) this.scheduleNext();
      });
    }, this.deps.config.monitorIntervalSeconds * 1000);
    // The Slack receiver keeps the process alive; the monitor alone must not.
    this.timer.unref();
  }

  private ensureState(): MonitorState {
    if (this.state !== undefined) return this.state;
    const raw = this.deps.store.read('monitor');
    const saved = readMonitorState(raw);
    if (saved !== undefined) {
      this.state = saved;
      this.deps.logger.info('incident monitor resumed saved state', {
        lastPoll: new Date(saved.lastPollMs).toISOString(),
        openIncidents: Object.keys(saved.incidents).length,
        seenSessions: Object.keys(saved.seen).length,
      });
    } else {
      if (raw !== undefined) this.deps.logger.warn('saved monitor state is unusable; taking a new baseline');
      this.state = baselineState(this.deps.clock.now());
      this.deps.logger.info(
        'incident monitor first start: baseline taken, sessions that ended before now are not announced',
        {
          baseline: new Date(this.state.lastPollMs).toISOString(),
        },
      );
      this.save();
    }
    return this.state;
  }

  private save(): void {
    if (this.state !== undefined) this.deps.store.write('monitor', this.state);
  }

  private async poll(): Promise<void> {
    try {
      await this.pollUnguarded();
    } catch (error) {
      // A bug must not end the poll loop; the next poll starts from the saved state again.
      this.deps.logger.error('incident monitor poll failed unexpectedly', { error });
    }
  }

  private async pollUnguarded(): Promise<void> {
    const state = this.ensureState();
    const now = this.deps.clock.now();
    const queryFromMs = Math.min(state.lastPollMs, now) - QUERY_OVERLAP_MS;

    let ended: BackupSession[];
    let running: BackupSession[] | undefined;
    try {
      // One request for every job's ended sessions, VM and agent alike: never one per job.
      ended = await this.deps.em.querySessions({
        endedSince: new Date(queryFromMs),
        jobTypes: REPORTED_JOB_TYPES,
      });
      if (this.deps.config.longRunningMinutes !== undefined) {
        running = await this.deps.em.querySessions({ states: RUNNING_STATES, jobTypes: REPORTED_JOB_TYPES });
      }
    } catch (error) {
      await this.emFailed(error, now);
      this.save();
      return;
    }
    await this.emAnswered(now);

    // Sessions whose post failed keep the query window open behind them, so the next poll tries them again.
    let resumeFromMs = now;
    const fresh = ended
      .filter(
        (s) =>
          REPORTED_JOB_TYPES.includes(s.jobType) && s.endTime !== undefined && state.seen[s.id] === undefined,
      )
      .sort((a, b) => endMs(a, now) - endMs(b, now));
    const ctx = await this.prepareStorm(state, fresh, now);
    for (const session of fresh) {
      const handled = await this.handleEnded(state, ctx, session, now);
      if (!handled) {
        resumeFromMs = Math.min(resumeFromMs, endMs(session, now));
        ctx.deferredJobs.add(session.jobId);
      }
    }
    await this.updateStormSummaries(ctx);
    const runningIds = running === undefined ? undefined : await this.handleRunning(state, running, now);

    state.lastPollMs = Math.max(resumeFromMs, now - SEEN_RETENTION_MS);
    this.state = pruneMonitorState(state, {
      seenBeforeMs: now - SEEN_RETENTION_MS,
      queryFromMs: state.lastPollMs - QUERY_OVERLAP_MS,
      longRunningBeforeMs: now - SEEN_RETENTION_MS,
      runningIds,
      incidentsBeforeMs: now - INCIDENT_RETENTION_MS,
      stormsBeforeMs: now - STORM_JOIN_WINDOW_MS,
    });
    this.save();
    this.deps.logger.debug('incident poll done', {
      ended: ended.length,
      new: fresh.length,
      running: running?.length,
      openIncidents: Object.keys(this.state.incidents).length,
      openStorms: Object.keys(this.state.storms).length,
    });
  }

  private isProblem(session: BackupSession): boolean {
    return session.result === 'Failed' || (session.result === 'Warning' && this.deps.config.notifyWarnings);
  }

  /**
   * Decides before any post of this poll whether new incidents go to a storm thread: an open storm younger than
   * the join window takes them; otherwise more than STORM_THRESHOLD new ones open a storm, whose summary is posted
   * first. If Slack refuses that summary, those jobs wait for the next poll rather than fall back to one post each.
   */
  private async prepareStorm(state: MonitorState, fresh: BackupSession[], now: number): Promise<PollContext> {
    const ctx: PollContext = { deferredJobs: new Set(), changedStorms: new Set(), pagedStorms: new Set() };
    ctx.storm = Object.values(state.storms)
      .filter(
        (storm) =>
          storm.openedAtMs >= now - STORM_JOIN_WINDOW_MS &&
          Object.values(storm.jobs).some((j) => !j.resolved),
      )
      .sort((a, b) => b.openedAtMs - a.openedAtMs)[0];
    if (ctx.storm !== undefined) return ctx;

    // The first announceable problem run of each job without an open incident, in the order they ended.
    const firstProblem = new Map<string, BackupSession>();
    for (const session of fresh) {
      if (!this.isProblem(session) || endMs(session, now) < state.announceAfterMs) continue;
      if (state.incidents[session.jobId] !== undefined || firstProblem.has(session.jobId)) continue;
      firstProblem.set(session.jobId, session);
    }
    if (firstProblem.size <= STORM_THRESHOLD) return ctx;

    const problems = [...firstProblem.values()];
    const storm: Storm = {
      channel: this.channel,
      ts: '',
      openedAtMs: now,
      since: problems[0]?.endTime ?? new Date(now).toISOString(),
      jobs: Object.fromEntries(
        problems.map((s) => [
          s.jobId,
          {
            jobName: s.jobName,
            jobType: s.jobType,
            result: s.result,
            reason: reasonFirstLine(s.failureMessage),
            resolved: false,
          },
        ]),
      ),
    };
    try {
      storm.ts = await this.post(stormSummaryMessage(storm, this.deps.config.incidentMention));
    } catch (error) {
      this.deps.logger.warn('could not post a failure storm summary to Slack; tried again on the next poll', {
        jobs: problems.length,
        error,
      });
      for (const jobId of firstProblem.keys()) ctx.deferredJobs.add(jobId);
      return ctx;
    }
    state.storms[storm.ts] = storm;
    ctx.storm = storm;
    ctx.pagedStorms.add(storm);
    this.deps.logger.info('failure storm opened', { jobs: problems.length, ts: storm.ts });
    return ctx;
  }

  /** One chat.update per storm whose jobs joined, changed or resolved this poll. */
  private async updateStormSummaries(ctx: PollContext): Promise<void> {
    for (const storm of ctx.changedStorms) {
      await this.updateBestEffort(
        storm.channel,
        storm.ts,
        stormSummaryMessage(storm, this.deps.config.incidentMention),
        { what: 'storm summary', ts: storm.ts },
      );
      if (Object.values(storm.jobs).every((j) => j.resolved)) {
        this.deps.logger.info('failure storm resolved', {
          jobs: Object.keys(storm.jobs).length,
          ts: storm.ts,
        });
      }
    }
  }

  /** Returns false when Slack could not take the post; the session stays unseen and is tried again. */
  private async handleEnded(
    state: MonitorState,
    ctx: PollContext,
    session: BackupSession,
    now: number,
  ): Promise<boolean> {
    // An earlier run of this job is waiting for Slack: this one must not be handled before it (a success would
    // resolve nothing and the failure would then open an incident that never resolves).
    if (ctx.deferredJobs.has(session.jobId)) return false;
    const ended = endMs(session, now);
    const longRunningPost = state.longRunning[session.id];
    if (longRunningPost !== undefined) {
      await this.updateBestEffort(
        longRunningPost.channel,
        longRunningPost.ts,
        longRunningEndedMessage(summarize(session)),
        {
          what: 'long-running post',
          sessionId: session.id,
        },
      );
      delete state.longRunning[session.id];
    }
    if (ended >= state.announceAfterMs) {
      try {
        if (this.isProblem(session)) {
          await this.reportProblem(state, ctx, session, ended);
        } else if (session.result === 'Success') {
          await this.resolveIncident(state, ctx, session, ended);
        }
      } catch (error) {
        this.deps.logger.warn(
          'could not post a backup session to Slack; it is tried again on the next poll',
          {
            sessionId: session.id,
            jobId: session.jobId,
            error,
          },
        );
        return false;
      }
    }
    state.seen[session.id] = ended;
    return true;
  }

  private async reportProblem(
    state: MonitorState,
    ctx: PollContext,
    session: BackupSession,
    ended: number,
  ): Promise<void> {
    const failed = session.result === 'Failed';
    const mention = this.deps.config.incidentMention;
    const open = state.incidents[session.jobId];
    if (open === undefined) {
      const card: IncidentCard = {
        jobId: session.jobId,
        jobName: session.jobName,
        jobType: session.jobType,
        failures: failed ? 1 : 0,
        warnings: failed ? 0 : 1,
        openedAt: session.endTime ?? new Date(ended).toISOString(),
        latest: summarize(session),
      };
      if (ctx.storm !== undefined) {
        await this.joinStorm(state, ctx, ctx.storm, card, session, ended);
        return;
      }
      const ts = await this.post(incidentMessage(card, mention));
      state.incidents[session.jobId] = { ...card, channel: this.channel, ts, lastProblemEndMs: ended };
      this.deps.logger.info('incident opened', {
        jobId: session.jobId,
        sessionId: session.id,
        result: session.result,
      });
      return;
    }
    // A late-arriving older run adds to the tally but does not replace the newest run on the card.
    const newest = ended >= open.lastProblemEndMs;
    const next = {
      ...open,
      jobName: newest ? session.jobName : open.jobName,
      failures: open.failures + (failed ? 1 : 0),
      warnings: open.warnings + (failed ? 0 : 1),
      latest: newest ? summarize(session) : open.latest,
      lastProblemEndMs: Math.max(open.lastProblemEndMs, ended),
    };
    await this.post(incidentFollowUp(next, summarize(session), mention), threadOf(open), open.channel);
    state.incidents[session.jobId] = next;
    const storm = open.threadTs === undefined ? undefined : state.storms[open.threadTs];
    const listed = storm?.jobs[session.jobId];
    if (storm !== undefined && listed !== undefined && newest && listed.result !== session.result) {
      listed.result = session.result;
      listed.reason = reasonFirstLine(session.failureMessage);
      ctx.changedStorms.add(storm);
    }
    // A card in a storm thread never carries the mention: the summary paged for it.
    const cardMention = open.threadTs === undefined ? mention : undefined;
    await this.updateBestEffort(open.channel, open.ts, incidentMessage(next, cardMention), {
      what: 'incident count',
      jobId: session.jobId,
    });
  }

  /**
   * The job's usual incident card, as a reply in the storm's thread. The mention pages once per storm and poll:
   * never for jobs the summary already listed as open, once for the first failed job that joins later.
   */
  private async joinStorm(
    state: MonitorState,
    ctx: PollContext,
    storm: Storm,
    card: IncidentCard,
    session: BackupSession,
    ended: number,
  ): Promise<void> {
    const listed = storm.jobs[session.jobId];
    const alreadyAnnounced = listed !== undefined && !listed.resolved;
    const mention = this.deps.config.incidentMention;
    const page =
      !alreadyAnnounced && !ctx.pagedStorms.has(storm) && card.failures > 0 && mention !== undefined;
    const ts = await this.post(incidentMessage(card, page ? mention : undefined), storm.ts, storm.channel);
    if (page) ctx.pagedStorms.add(storm);
    state.incidents[session.jobId] = {
      ...card,
      channel: storm.channel,
      ts,
      threadTs: storm.ts,
      lastProblemEndMs: ended,
    };
    if (!alreadyAnnounced) {
      storm.jobs[session.jobId] = {
        jobName: session.jobName,
        jobType: session.jobType,
        result: session.result,
        reason: reasonFirstLine(session.failureMessage),
        resolved: false,
      };
      if (Date.parse(card.openedAt) < Date.parse(storm.since)) storm.since = card.openedAt;
      ctx.changedStorms.add(storm);
    }
    this.deps.logger.info('incident opened in a failure storm thread', {
      jobId: session.jobId,
      sessionId: session.id,
      result: session.result,
      stormTs: storm.ts,
    });
  }

  private async resolveIncident(
    state: MonitorState,
    ctx: PollContext,
    session: BackupSession,
    ended: number,
  ): Promise<void> {
    const open = state.incidents[session.jobId];
    // A success that ended before the newest problem (EM reported it late) says nothing about the problem.
    if (open === undefined || ended <= open.lastProblemEndMs) return;
    const success = summarize(session);
    await this.post(resolvedReply(open, success), threadOf(open), open.channel);
    delete state.incidents[session.jobId];
    const storm = open.threadTs === undefined ? undefined : state.storms[open.threadTs];
    const listed = storm?.jobs[session.jobId];
    if (storm !== undefined && listed !== undefined && !listed.resolved) {
      listed.resolved = true;
      ctx.changedStorms.add(storm);
    }
    this.deps.logger.info('incident resolved', {
      jobId: session.jobId,
      sessionId: session.id,
      failures: open.failures,
    });
    await this.updateBestEffort(open.channel, open.ts, resolvedMessage(open, success), {
      what: 'resolved incident',
      jobId: session.jobId,
    });
  }

  /** One post per session running longer than longRunningMinutes; returns the IDs running now, for pruning. */
  private async handleRunning(
    state: MonitorState,
    running: BackupSession[],
    now: number,
  ): Promise<Set<string>> {
    const limitMs = (this.deps.config.longRunningMinutes ?? 0) * 60_000;
    const ids = new Set<string>();
    for (const session of running) {
      if (!REPORTED_JOB_TYPES.includes(session.jobType) || !RUNNING_STATES.includes(session.state)) continue;
      ids.add(session.id);
      if (state.longRunning[session.id] !== undefined || state.seen[session.id] !== undefined) continue;
      const started = Date.parse(session.creationTime);
      if (Number.isNaN(started) || now - started < limitMs) continue;
      try {
        const ts = await this.post(longRunningMessage(summarize(session), now));
        state.longRunning[session.id] = { channel: this.channel, ts, announcedAtMs: now };
        this.deps.logger.info('long-running session announced', {
          sessionId: session.id,
          jobId: session.jobId,
        });
      } catch (error) {
        this.deps.logger.warn(
          'could not post a long-running session to Slack; tried again on the next poll',
          {
            sessionId: session.id,
            error,
          },
        );
      }
    }
    return ids;
  }

  private async emFailed(error: unknown, now: number): Promise<void> {
    const state = this.ensureState();
    if (!isOutage(error)) {
      // EM answered, just not usefully (a 4xx, an unreadable body): not an outage, but worth a log line.
      this.deps.logger.warn('incident poll: EM query failed; trying again on the next poll', {
        error,
        description: describeEmError(error),
      });
      return;
    }
    const outage = state.emOutage ?? { sinceMs: now, failedPolls: 0, announced: false };
    outage.failedPolls += 1;
    state.emOutage = outage;
    this.deps.logger.warn('incident poll: EM unreachable', { failedPolls: outage.failedPolls, error });
    if (outage.announced || outage.failedPolls < OUTAGE_POLLS) return;
    try {
      await this.post(emDownMessage(describeEmError(error), outage.sinceMs, outage.failedPolls));
      outage.announced = true;
    } catch (postError) {
      this.deps.logger.warn('could not post the EM outage to Slack; tried again on the next poll', {
        error: postError,
      });
    }
  }

  private async emAnswered(now: number): Promise<void> {
    const state = this.ensureState();
    const outage = state.emOutage;
    if (outage === undefined) return;
    if (outage.announced) {
      try {
        await this.post(emBackMessage(outage.sinceMs, now));
      } catch (error) {
        // Keep the outage so the "back" post is tried again next time EM answers.
        this.deps.logger.warn('could not post that EM is back; tried again on the next poll', { error });
        return;
      }
    }
    this.deps.logger.info('incident poll: EM answers again', { failedPolls: outage.failedPolls });
    state.emOutage = undefined;
  }

  /** chat.postMessage; resolves with the new message's ts. The WebClient itself waits out 429 Retry-After. */
  private async post(message: SlackMessage, threadTs?: string, channel = this.channel): Promise<string> {
    const result = await this.deps.slack.chat.postMessage({
      channel,
      text: message.text,
      blocks: message.blocks,
      ...(threadTs === undefined ? {} : { thread_ts: threadTs }),
      unfurl_links: false,
      unfurl_media: false,
    });
    if (typeof result.ts !== 'string') throw new Error('chat.postMessage answered without a ts');
    return result.ts;
  }

  /** chat.update of a message we already posted; a failure leaves a stale card, which is logged but not retried. */
  private async updateBestEffort(
    channel: string,
    ts: string,
    message: SlackMessage,
    context: Record<string, unknown>,
  ): Promise<void> {
    try {
      await this.deps.slack.chat.update({ channel, ts, text: message.text, blocks: message.blocks });
    } catch (error) {
      this.deps.logger.warn('could not update an incident message', { ...context, error });
    }
  }
}

/** EM down or refusing us, as opposed to EM answering something odd: unreachable, timeout, auth, HTTP 5xx. */
function isOutage(error: unknown): boolean {
  if (!isEmError(error)) return false;
  if (error.kind === 'unreachable' || error.kind === 'timeout' || error.kind === 'auth') return true;
  return error.kind === 'http' && (error.status ?? 0) >= 500;
}

/** Where an incident's replies go: its own card, or the storm summary the card is a reply to. */
function threadOf(incident: OpenIncident): string {
  return incident.threadTs ?? incident.ts;
}

function endMs(session: BackupSession, fallback: number): number {
  const ms = session.endTime === undefined ? Number.NaN : Date.parse(session.endTime);
  return Number.isNaN(ms) ? fallback : ms;
}

/** What the state file and the messages keep of a session (no links, no hrefs). */
function summarize(session: BackupSession): SessionSummary {
  return {
    id: session.id,
    jobId: session.jobId,
    jobName: session.jobName,
    jobType: session.jobType,
    result: session.result,
    ...(session.failureMessage ? { failureMessage: session.failureMessage } : {}),
    creationTime: session.creationTime,
    ...(session.endTime !== undefined ? { endTime: session.endTime } : {}),
    progress: session.progress,
  };
}
