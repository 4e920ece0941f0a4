// Builds the whole bot from its parts, so main.ts, the demo and the tests assemble the very same thing.

import type { AddressInfo } from 'node:net';
import type { App, CustomRoute } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { EmApi } from './em/api.js';
import { incidentsOnce } from './incidents-once.js';
import { LeaderDuties } from './leader-duties.js';
import type { Logger } from './log/logger.js';
import { meterAcks } from './metrics/ack-timer.js';
import {
  auditCounting,
  type MeteredParts,
  meterBot,
  meterMonitor,
  meterRequests,
  meterWatcher,
} from './metrics/bot-metrics.js';
import { Metrics } from './metrics/metrics.js';
import { metricsRoute } from './metrics/metrics-route.js';
import { IncidentMonitor } from './notify/incident-monitor.js';
import { ApprovalBook } from './ops/approvals.js';
import { JobLocks } from './ops/job-locks.js';
import { Policy } from './ops/policy.js';
import { RecentActions } from './ops/recent-actions.js';
import { ScheduleSwitch } from './ops/schedule-switch.js';
import { repliesOnce } from './replies-once.js';
import { announceExpiry } from './slack/announce-expiry.js';
import { createSlackApp } from './slack/app.js';
import { pacedChannelPoster } from './slack/channel-pace.js';
import { type ChannelPoster, createChannelPoster } from './slack/channel-poster.js';
import type { SlackDeps } from './slack/deps.js';
import { homeFeeds } from './slack/home/home-feeds.js';
import { HomeTab } from './slack/home/home-tab.js';
import { registerListeners } from './slack/listeners/index.js';
import { createIncidentPublisher } from './slack/messages/incident-publisher.js';
import { createTaskPublisher } from './slack/messages/task-publisher.js';
import { type Leadership, SoloLeadership } from './state/leader-lease.js';
import type { StateStore } from './state/state-store.js';
import { StoreOutageNotice } from './store-outage-notice.js';
import { TaskWatcher } from './watch/task-watcher.js';
import type { TaskWatchSink } from './watch/types.js';

/** How long each part may take to stop; main.ts gives the whole shutdown 10 s. */
const STOP_LIMIT_MS = 6_000;

/** How long a schedule toggle may hold its job's lock waiting for EM's Task to finish. */
const SCHEDULE_SETTLE_MS = 30_000;

/** How often pending approvals are checked for expiry. */
const APPROVAL_SWEEP_MS = 1_000;

interface BotDeps {
  em: EmApi;
  /** The durable state (watches, the monitor's memory): read when the bot is built, saved when it stops. */
  store: StateStore;
  clock: Clock;
  /** The Web API client every Slack post, update and lookup goes through. */
  slack: WebClient;
  logger: Logger;
  /** HTTP mode: the interface to listen on (default all). */
  host?: string;
  /** HTTP mode: routes served beside /slack/events on the same port (main.ts: /healthz, /readyz). */
  customRoutes?: CustomRoute[];
  /** The bot's metrics; whoever builds `em` and `slack` gives them its observers. A fresh set when absent. */
  metrics?: Metrics;
  /** Who runs the watcher and the monitor: a Redis lease among replicas; absent, this bot alone (the state file). */
  leadership?: Leadership;
}

export interface Bot {
  app: App;
  /** This term's watcher (a dormant one while another replica leads). */
  readonly watcher: TaskWatcher;
  /** This term's monitor; undefined while another replica leads or without an incident channel. */
  readonly monitor?: IncidentMonitor;
  /** True while this replica runs the watcher and the monitor. */
  readonly isLeader: boolean;
  store: StateStore;
  metrics: Metrics;
  /** Starts the receiver, then the watcher, the monitor and the approval sweep. In HTTP mode, resolves with the port. */
  start(): Promise<{ port?: number }>;
  /** Stops taking requests, stops polling and saves state. Does not log out of EM: whoever built `em` does. */
  stop(): Promise<void>;
}

export function createBot(config: Config, deps: BotDeps): Bot {
  const { store, slack, logger, host } = deps;
  const metrics = deps.metrics ?? new Metrics();
  const poster = pacedChannelPoster(createChannelPoster(slack), { intervalMs: config.slack.postIntervalMs });
  const duties = buildDuties(config, deps, poster, metrics);
  const outage = storeOutageNotice(config, deps, poster, duties);
  const slackDeps = buildSlackDeps(config, { ...deps, logger: auditCounting(logger, metrics) }, duties);
  slackDeps.home = new HomeTab(slackDeps, homeFeeds(duties));
  // HTTP mode serves /metrics beside /slack/events; Socket Mode opens no port, main.ts serves it on HEALTH_PORT.
  const routes =
    config.slack.appToken === undefined
      ? [...(deps.customRoutes ?? []), metricsRoute(metrics)]
      : deps.customRoutes;
  const app = buildSlackApp(config, slackDeps, logger, routes);
  meterRequests(app, metrics);
  // Read at scrape time: each leader term has its own watcher.
  meterBot(metrics, meteredParts(slackDeps, duties, store));
  const sweep = approvalSweep(slackDeps);

  let started = false;
  return {
    app,
    // Getters: the watcher and the monitor are new each time this replica starts leading.
    get watcher() {
      return duties.watcher;
    },
    get monitor() {
      return duties.monitor;
    },
    get isLeader() {
      return duties.isLeading;
    },
    store,
    metrics,
    async start() {
      await store.load();
      const port = await startReceiver(app, config, host, metrics);
      started = true;
      // Every replica answers Slack; the watcher and the monitor run where the lease is (here at once, alone).
      await duties.start();
      sweep.start();
      logger.info('bot started', { mode: config.slack.appToken ? 'socket' : 'http', port });
      return { port };
    },
    async stop() {
      if (started) {
        await app
          .stop()
          .catch((error: unknown) => logger.warn('Slack receiver did not stop cleanly', { error }));
        started = false;
      }
      sweep.stop();
      outage?.stop();
      slackDeps.home?.stop();
      slackDeps.approvals.close();
      // In parallel and bounded: a monitor stuck behind Slack retries must not cost the watcher its final save.
      await duties.stop((work, what) => within(STOP_LIMIT_MS, work, what, logger));
    },
  };
}

/** What the metrics read at scrape time: each leader term has its own watcher. */
function meteredParts(slackDeps: SlackDeps, duties: LeaderDuties, store: StateStore): MeteredParts {
  return {
    approvals: slackDeps.approvals,
    get watcher() {
      return duties.watcher;
    },
    store,
  };
}

/** Runs the watcher and the monitor where the lease is: here at once with no leadership given (the state file). */
function buildDuties(config: Config, deps: BotDeps, poster: ChannelPoster, metrics: Metrics): LeaderDuties {
  return new LeaderDuties({
    leadership: deps.leadership ?? new SoloLeadership(),
    store: deps.store,
    newWatcher: () => meterWatcher(metrics, buildWatcher(config, deps, poster)),
    newMonitor: () => meterMonitor(metrics, buildMonitor(config, deps, poster)),
    logger: deps.logger,
    intakeMs: config.watch.pollIntervalMs,
  });
}

/** With a shared store and an incident channel: the channel hears once that the store is lost, once that it is back. */
function storeOutageNotice(
  config: Config,
  deps: BotDeps,
  poster: ChannelPoster,
  duties: LeaderDuties,
): StoreOutageNotice | undefined {
  const channel = config.notify.incidentChannel;
  // Only a shared store can be lost while the bot runs; the state file never reports a change.
  if (channel === undefined || deps.store.kind !== 'redis') return undefined;
  // The lease is lost before the store reports the outage: "led recently" is the leader of a moment ago.
  let ledUntil = 0;
  const leadWindowMs = config.leader.ttlMs;
  const notice = new StoreOutageNotice({
    poster,
    channel,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'state' }),
    ledRecently: () => duties.isLeading || deps.clock.now() - ledUntil < leadWindowMs,
  });
  deps.leadership?.subscribe({ gained: () => {}, lost: () => (ledUntil = deps.clock.now()) });
  deps.store.onAvailability((available) => notice.changed(available));
  return notice;
}

/** The watcher that follows every Task the bot starts and posts its result through `poster`. */
function buildWatcher(config: Config, deps: BotDeps, poster: ChannelPoster): TaskWatcher {
  const logger = deps.logger.child({ component: 'watcher' });
  const { em, store, clock } = deps;
  return new TaskWatcher({
    em,
    publisher:
      store.kind === 'file'
        ? createTaskPublisher(poster, logger)
        : repliesOnce(createTaskPublisher(poster, logger), store, logger),
    store,
    logger,
    clock,
    config: config.watch,
  });
}

/** The incident monitor, only when an incident channel is configured. */
function buildMonitor(config: Config, deps: BotDeps, poster: ChannelPoster): IncidentMonitor | undefined {
  if (config.notify.incidentChannel === undefined) return undefined;
  const logger = deps.logger.child({ component: 'monitor' });
  const { em, store, clock } = deps;
  return new IncidentMonitor({
    em,
    publisher:
      store.kind === 'file'
        ? createIncidentPublisher(poster, logger)
        : incidentsOnce(createIncidentPublisher(poster, logger), store, logger),
    store,
    logger,
    clock,
    config: config.notify,
  });
}

/** The Bolt App with every listener registered on the shared deps. */
function buildSlackApp(
  config: Config,
  slackDeps: SlackDeps,
  logger: Logger,
  customRoutes?: CustomRoute[],
): App {
  const app = createSlackApp({ config: config.slack, logger, clock: slackDeps.clock, customRoutes });
  registerListeners(app, slackDeps);
  app.error(async (error) => {
    // The last net: listeners answer users themselves; this only keeps a trace of what escaped them.
    logger.error('unhandled error in a Slack listener', { error });
  });
  return app;
}

/** Socket Mode connects out; HTTP mode listens and resolves with its port (0 in config: any free one). */
async function startReceiver(
  app: App,
  config: Config,
  host: string | undefined,
  metrics: Metrics,
): Promise<number | undefined> {
  if (config.slack.appToken !== undefined) {
    await app.start();
    return undefined;
  }
  const server = await app.start({ port: config.slack.port, host });
  meterAcks(server, metrics);
  return (server.address() as AddressInfo).port;
}

/** Policy, approvals, the schedule switch and the repeat guard: the parts every Slack listener shares. */
function buildSlackDeps(config: Config, deps: BotDeps, watcher: TaskWatchSink): SlackDeps {
  const { em, clock, slack, store } = deps;
  const logger = deps.logger.child({ component: 'slack' });
  const policy = new Policy(config.policy, async (usergroup) => {
    const answer = await slack.usergroups.users.list({ usergroup });
    return answer.users ?? [];
  });
  const schedule = new ScheduleSwitch({
    em,
    locks: new JobLocks(store),
    logger,
    pollIntervalMs: Math.min(config.watch.pollIntervalMs, 1_000),
    settleTimeoutMs: SCHEDULE_SETTLE_MS,
    clock,
    store,
  });
  return {
    config,
    em,
    logger,
    clock,
    slack,
    watcher,
    policy,
    schedule,
    approvals: new ApprovalBook(clock, config.policy.approvalTtlMinutes, store),
    recentActions: new RecentActions(clock, config.policy.repeatWindowSeconds, store),
  };
}

/**
 * An expired request must say so on its own, not only when someone clicks it; also those that expired while the
 * bot was down (the first sweep after a start). One sweep at a time; a store away skips a beat.
 */
function approvalSweep(deps: SlackDeps): { start(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let sweeping = false;
  const sweep = async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      for (const approval of await deps.approvals.expireDue()) void announceExpiry(deps, approval);
    } catch (error) {
      deps.logger.debug('approval sweep skipped', { error });
    } finally {
      sweeping = false;
    }
  };
  return {
    start() {
      void sweep();
      timer = setInterval(() => void sweep(), APPROVAL_SWEEP_MS);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** Waits for `work` at most `ms`; past that, logs and moves on (the work keeps its own state consistent). */
async function within(ms: number, work: Promise<unknown>, what: string, logger: Logger): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), ms);
  });
  const outcome = await Promise.race([work.then(() => 'done' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') logger.warn(`${what} did not stop within ${ms} ms; going on with shutdown`);
}
