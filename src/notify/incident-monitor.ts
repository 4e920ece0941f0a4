// Polls EM for backup sessions that ended (and ones running too long) and posts incidents to the incident channel,
// one thread per job while its incident is open, each session once across restarts (state section 'monitor').

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
import { baselineState, type MonitorState, pruneMonitorState, readMonitorState } from './monitor-state.js';

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
    for (const session of fresh) {
      const handled = await this.handleEnded(state, session, now);
      if (!handled) resumeFromMs = Math.min(resumeFromMs, endMs(session, now));
    }
    const runningIds = running === undefined ? undefined : await this.handleRunning(state, running, now);

    state.lastPollMs = Math.max(resumeFromMs, now - SEEN_RETENTION_MS);
    this.state = pruneMonitorState(state, {
      seenBeforeMs: now - SEEN_RETENTION_MS,
      queryFromMs: state.lastPollMs - QUERY_OVERLAP_MS,
      longRunningBeforeMs: now - SEEN_RETENTION_MS,
      runningIds,
      incidentsBeforeMs: now - INCIDENT_RETENTION_MS,
    });
    this.save();
    this.deps.logger.debug('incident poll done', {
      ended: ended.length,
      new: fresh.length,
      running: running?.length,
      openIncidents: Object.keys(this.state.incidents).length,
    });
  }

  /** Returns false when Slack could not take the post; the session stays unseen and is tried again. */
  private async handleEnded(state: MonitorState, session: BackupSession, now: number): Promise<boolean> {
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
        if (
          session.result === 'Failed' ||
          (session.result === 'Warning' && this.deps.config.notifyWarnings)
        ) {
          await this.reportProblem(state, session, ended);
        } else if (session.result === 'Success') {
          await this.resolveIncident(state, session, ended);
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

  private async reportProblem(state: MonitorState, session: BackupSession, ended: number): Promise<void> {
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
    await this.post(incidentFollowUp(next, summarize(session), mention), open.ts, open.channel);
    state.incidents[session.jobId] = next;
    await this.updateBestEffort(open.channel, open.ts, incidentMessage(next, mention), {
      what: 'incident count',
      jobId: session.jobId,
    });
  }

  private async resolveIncident(state: MonitorState, session: BackupSession, ended: number): Promise<void> {
    const open = state.incidents[session.jobId];
    // A success that ended before the newest problem (EM reported it late) says nothing about the problem.
    if (open === undefined || ended <= open.lastProblemEndMs) return;
    const success = summarize(session);
    await this.post(resolvedReply(open, success), open.ts, open.channel);
    delete state.incidents[session.jobId];
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
