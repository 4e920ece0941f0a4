// Polls EM for job sessions of every kind that ended (and ones running too long) and hands what happened to the
// publisher the bot passes in: one thread per job while its incident is open, each session once across restarts
// (state section 'monitor'). A coordinator: the timer and state here; incidents, storms, long runs, problem details
// and EM outages in their modules.

import type { Clock } from '../clock.js';
import type { NotifyConfig } from '../config.js';
import type { EmApi } from '../em/api.js';
import type { JobSession } from '../em/types.js';
import type { Logger } from '../log/logger.js';
import type { StateStore } from '../state/state-store.js';
import { type OutageChange, type PollOutcome, stepEmOutage } from './em-outage.js';
import { isProblem, prepareStorm, STORM_JOIN_WINDOW_MS, updateStormSummaries } from './failure-storm.js';
import type { IncidentPublisher } from './incident-publisher.js';
import { handleEnded } from './incidents.js';
import { handleRunning } from './long-running.js';
import { type MonitorParts, newPollContext } from './monitor-parts.js';
import {
  baselineState,
  type MonitorState,
  type OpenIncident,
  pruneMonitorState,
  readMonitorState,
} from './monitor-state.js';
import { readProblemDetails } from './problem-details.js';
import {
  isReportedEnded,
  type MonitoredSessions,
  noteUnknownJobTypes,
  QUERY_OVERLAP_MS,
  queryMonitoredSessions,
  queryRunningSessions,
} from './query-monitored-sessions.js';
import { settleOverdueRetries } from './retry-wait.js';
import { endMs } from './session-record.js';

interface IncidentMonitorDeps {
  em: EmApi;
  /** Shows what happened (the bot passes a Slack publisher); a rejected post is tried again on the next poll. */
  publisher: IncidentPublisher;
  store: StateStore;
  logger: Logger;
  clock: Clock;
  config: NotifyConfig;
}

/** Seen sessions and long-running posts are remembered this long (far beyond the query overlap). */
const SEEN_RETENTION_MS = 3 * 24 * 3_600_000;
/** An incident without a problem run for this long is forgotten (its job was probably deleted). */
const INCIDENT_RETENTION_MS = 30 * 24 * 3_600_000;

/** How one poll went, for the metrics: EM answered, EM unreachable (an outage in the making), EM refused, a bug. */
export type MonitorPollOutcome = 'ok' | 'em-unreachable' | 'query-failed' | 'failed';

/** Told of every poll and every outage declared (the metrics set one; the monitor works without). */
export interface MonitorObserver {
  polled(outcome: MonitorPollOutcome): void;
  outageDeclared(): void;
}

export class IncidentMonitor {
  private readonly channel: string;
  private readonly parts: MonitorParts;
  private state: MonitorState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  /** JobTypes already logged as unknown (once each per monitor). */
  private readonly unknownJobTypes = new Set<string>();
  /** Polls never overlap: a timer poll and an explicit pollOnce() queue behind each other. */
  private inFlight: Promise<void> = Promise.resolve();
  /** The metrics (meterBot) set it; the monitor works without. */
  observer: MonitorObserver | undefined;

  constructor(private readonly deps: IncidentMonitorDeps) {
    if (deps.config.incidentChannel === undefined) {
      throw new Error(
        'IncidentMonitor needs config.incidentChannel (VEEAM_INCIDENT_CHANNEL); without it the monitor is off',
      );
    }
    this.channel = deps.config.incidentChannel;
    this.parts = {
      publisher: deps.publisher,
      logger: deps.logger,
      config: deps.config,
      channel: this.channel,
    };
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

  /** The incidents open now, as the monitor holds them (read-only: the Home tab lists them). */
  openIncidents(): readonly Readonly<OpenIncident>[] {
    return Object.values(this.state?.incidents ?? {});
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
    // restore(): should reading ever throw, the section is dropped and kept aside; the monitor still starts.
    const saved = this.deps.store.restore('monitor', readMonitorState, undefined);
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
      // Not `observer?.polled(await …)`: without an observer, that would skip the poll itself.
      const outcome = await this.pollUnguarded();
      this.observer?.polled(outcome);
    } catch (error) {
      // A bug must not end the poll loop; the next poll starts from the saved state again.
      this.deps.logger.error('incident monitor poll failed unexpectedly', { error });
      this.observer?.polled('failed');
    }
  }

  private async pollUnguarded(): Promise<MonitorPollOutcome> {
    const state = this.ensureState();
    const now = this.deps.clock.now();
    let sessions: MonitoredSessions;
    try {
      sessions = await queryMonitoredSessions(this.deps.em, {
        sinceMs: Math.min(state.lastPollMs, now),
        withRunning: this.deps.config.longRunningMinutes !== undefined,
      });
    } catch (error) {
      const change = await this.applyEmOutcome(state, { answered: false, error }, now);
      this.save();
      return change === 'query-failed' ? 'query-failed' : 'em-unreachable';
    }
    await this.applyEmOutcome(state, { answered: true }, now);

    const { resumeFromMs, fresh } = await this.handleEndedSessions(state, sessions, now);
    const runningIds =
      sessions.running === undefined
        ? undefined
        : await handleRunning(this.parts, state, sessions.running, now);
    this.finishPoll(state, now, resumeFromMs, runningIds);
    this.deps.logger.debug('incident poll done', {
      ended: sessions.ended.length,
      endedReplica: sessions.ended.filter((s) => s.kind === 'replica').length,
      new: fresh,
      running: sessions.running?.length,
      openIncidents: Object.keys(this.state?.incidents ?? {}).length,
      openStorms: Object.keys(this.state?.storms ?? {}).length,
    });
    return 'ok';
  }

  /** EM down / EM back: the pure step decides, this posts and keeps the record that matches what went out. */
  private async applyEmOutcome(
    state: MonitorState,
    outcome: PollOutcome,
    now: number,
  ): Promise<OutageChange> {
    const before = state.emOutage;
    const step = stepEmOutage(before, outcome, now);
    const error = outcome.answered ? undefined : outcome.error;
    if (step.change === 'query-failed') {
      this.deps.logger.warn('incident poll: EM query failed; trying again on the next poll', { error });
    } else if (step.change === 'unreachable') {
      this.deps.logger.warn('incident poll: EM unreachable', {
        failedPolls: step.outage?.failedPolls,
        error,
      });
    }
    state.emOutage = step.outage;
    if (step.post !== undefined) {
      try {
        await this.deps.publisher.post(this.channel, step.post.event);
      } catch (postError) {
        state.emOutage = step.post.ifPostFails;
        const what = step.post.event.kind === 'em-back' ? 'that EM is back' : 'the EM outage';
        this.deps.logger.warn(`could not post ${what} to Slack; tried again on the next poll`, {
          error: postError,
        });
        return step.change;
      }
      if (step.post.event.kind === 'em-down') this.observer?.outageDeclared();
    }
    if (step.change === 'back') {
      this.deps.logger.info('incident poll: EM answers again', { failedPolls: before?.failedPolls });
    }
    return step.change;
  }

  /**
   * Each unseen ended session once, in the order they ended. Sessions whose post failed keep the query window
   * open behind them (resumeFromMs), so the next poll tries them again.
   */
  private async handleEndedSessions(
    state: MonitorState,
    sessions: MonitoredSessions,
    now: number,
  ): Promise<{ resumeFromMs: number; fresh: number }> {
    const fresh = sessions.ended
      .filter((s) => isReportedEnded(s) && state.seen[s.id] === undefined)
      .sort((a, b) => endMs(a, now) - endMs(b, now));
    noteUnknownJobTypes(fresh, this.unknownJobTypes, this.deps.logger);
    // Read before anything is posted: a storm summary lists the reasons too.
    const problems = fresh.filter((s) => isProblem(this.parts, s) && endMs(s, now) >= state.announceAfterMs);
    const ctx = newPollContext(await readProblemDetails(this.deps.em, this.deps.logger, problems));
    await prepareStorm(this.parts, state, ctx, fresh, now);
    let resumeFromMs = now;
    for (const session of fresh) {
      if (!(await handleEnded(this.parts, state, ctx, session, now))) {
        resumeFromMs = Math.min(resumeFromMs, endMs(session, now));
        ctx.deferredJobs.add(session.jobId);
      }
    }
    await updateStormSummaries(this.parts, ctx);
    await settleOverdueRetries(this.parts, state, ctx, now, () => this.runningNow(sessions));
    return { resumeFromMs, fresh: fresh.length };
  }

  /** The poll's running sessions, or one query for them (long-running posts off); undefined when EM failed. */
  private async runningNow(sessions: MonitoredSessions): Promise<JobSession[] | undefined> {
    if (sessions.running !== undefined) return sessions.running;
    try {
      return await queryRunningSessions(this.deps.em);
    } catch (error) {
      this.deps.logger.warn('could not read running sessions to check for awaited retries', { error });
      return undefined;
    }
  }

  /** Moves the query window on, prunes what is no longer needed and saves. */
  private finishPoll(
    state: MonitorState,
    now: number,
    resumeFromMs: number,
    runningIds: Set<string> | undefined,
  ): void {
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
  }
}
