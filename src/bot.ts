// Builds the whole bot from its parts, so main.ts, the demo and the tests assemble the very same thing.

import type { AddressInfo } from 'node:net';
import type { App, CustomRoute } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { EmApi } from './em/api.js';
import type { Logger } from './log/logger.js';
import { auditCounting, meterBot, meterRequests } from './metrics/bot-metrics.js';
import { Metrics } from './metrics/metrics.js';
import { metricsRoute } from './metrics/metrics-route.js';
import { IncidentMonitor } from './notify/incident-monitor.js';
import { ApprovalBook } from './ops/approvals.js';
import { JobLocks } from './ops/job-locks.js';
import { Policy } from './ops/policy.js';
import { RecentActions } from './ops/recent-actions.js';
import { ScheduleSwitch } from './ops/schedule-switch.js';
import { announceExpiry } from './slack/announce-expiry.js';
import { createSlackApp } from './slack/app.js';
import { type ChannelPoster, createChannelPoster } from './slack/channel-poster.js';
import type { SlackDeps } from './slack/deps.js';
import { homeFeeds } from './slack/home/home-feeds.js';
import { HomeTab } from './slack/home/home-tab.js';
import { registerListeners } from './slack/listeners/index.js';
import { createIncidentPublisher } from './slack/messages/incident-publisher.js';
import { createTaskPublisher } from './slack/messages/task-publisher.js';
import type { StateStore } from './state/state-store.js';
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
}

export interface Bot {
  app: App;
  watcher: TaskWatcher;
  monitor?: IncidentMonitor;
  store: StateStore;
  metrics: Metrics;
  /** Starts the receiver, then the watcher, the monitor and the approval sweep. In HTTP mode, resolves with the port. */
  start(): Promise<{ port?: number }>;
  /** Stops taking requests, stops polling and saves state. Does not log out of EM: whoever built `em` does. */
  stop(): Promise<void>;
}

export function createBot(config: Config, deps: BotDeps): Bot {
  const { store, slack, logger, host } = deps;
  store.load();
  const metrics = deps.metrics ?? new Metrics();
  const poster = createChannelPoster(slack);
  const watcher = buildWatcher(config, deps, poster);
  const monitor = buildMonitor(config, deps, poster);
  const slackDeps = buildSlackDeps(config, { ...deps, logger: auditCounting(logger, metrics) }, watcher);
  slackDeps.home = new HomeTab(slackDeps, homeFeeds(watcher, monitor));
  // HTTP mode serves /metrics beside /slack/events; Socket Mode opens no port, main.ts serves it on HEALTH_PORT.
  const routes =
    config.slack.appToken === undefined
      ? [...(deps.customRoutes ?? []), metricsRoute(metrics)]
      : deps.customRoutes;
  const app = buildSlackApp(config, slackDeps, logger, routes);
  meterRequests(app, metrics);
  meterBot(metrics, { approvals: slackDeps.approvals, watcher, store });
  const sweep = approvalSweep(slackDeps);

  let started = false;
  return {
    app,
    watcher,
    monitor,
    store,
    metrics,
    async start() {
      const port = await startReceiver(app, config, host);
      started = true;
      watcher.start();
      monitor?.start();
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
      slackDeps.home?.stop();
      slackDeps.approvals.close();
      // In parallel and bounded: a monitor stuck behind Slack retries must not cost the watcher its final save.
      await Promise.all([
        monitor ? within(STOP_LIMIT_MS, monitor.stop(), 'incident monitor', logger) : undefined,
        within(STOP_LIMIT_MS, watcher.stop(), 'task watcher', logger),
      ]);
      store.flush();
    },
  };
}

/** The watcher that follows every Task the bot starts and posts its result through `poster`. */
function buildWatcher(config: Config, deps: BotDeps, poster: ChannelPoster): TaskWatcher {
  const logger = deps.logger.child({ component: 'watcher' });
  const { em, store, clock } = deps;
  return new TaskWatcher({
    em,
    publisher: createTaskPublisher(poster, logger),
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
    publisher: createIncidentPublisher(poster, logger),
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
): Promise<number | undefined> {
  if (config.slack.appToken !== undefined) {
    await app.start();
    return undefined;
  }
  const server = await app.start({ port: config.slack.port, host });
  return (server.address() as AddressInfo).port;
}

/** Policy, approvals, the schedule switch and the repeat guard: the parts every Slack listener shares. */
function buildSlackDeps(config: Config, deps: BotDeps, watcher: TaskWatchSink): SlackDeps {
  const { em, clock, slack } = deps;
  const logger = deps.logger.child({ component: 'slack' });
  const policy = new Policy(config.policy, async (usergroup) => {
    const answer = await slack.usergroups.users.list({ usergroup });
    return answer.users ?? [];
  });
  const schedule = new ScheduleSwitch({
    em,
    locks: new JobLocks(),
    logger,
    pollIntervalMs: Math.min(config.watch.pollIntervalMs, 1_000),
    settleTimeoutMs: SCHEDULE_SETTLE_MS,
    clock,
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
    approvals: new ApprovalBook(clock, config.policy.approvalTtlMinutes),
    recentActions: new RecentActions(clock, config.policy.repeatWindowSeconds),
  };
}

/** An expired request must say so on its own, not only when someone clicks it: a cheap in-memory scan. */
function approvalSweep(deps: SlackDeps): { start(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  return {
    start() {
      timer = setInterval(() => {
        for (const approval of deps.approvals.expireDue()) void announceExpiry(deps, approval);
      }, APPROVAL_SWEEP_MS);
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
