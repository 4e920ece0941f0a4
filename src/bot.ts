// Builds the whole bot from its parts, so main.ts, the demo and the tests assemble the very same thing.

import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import type { RetryOptions } from '@slack/web-api';
import { type Clock, systemClock } from './clock.js';
import type { Config } from './config.js';
import type { EmApi } from './em/api.js';
import type { Logger } from './log/logger.js';
import { IncidentMonitor } from './notify/incident-monitor.js';
import { createSlackApp } from './slack/app.js';
import { createChannelPoster } from './slack/channel-poster.js';
import { registerListeners } from './slack/listeners/index.js';
import { createSlackIncidentPublisher } from './slack/slack-incident-publisher.js';
import { StateStore } from './state/state-store.js';
import { TaskWatcher } from './watch/task-watcher.js';

/** How long each part may take to stop; main.ts gives the whole shutdown 10 s. */
const STOP_LIMIT_MS = 6_000;

export interface BotDeps {
  config: Config;
  em: EmApi;
  logger: Logger;
  clock?: Clock;
  /** Overrides the WebClient's retry policy (tests want short waits). */
  slackRetryConfig?: RetryOptions;
  /** HTTP mode: the interface to listen on (default all). */
  host?: string;
}

export interface Bot {
  app: App;
  watcher: TaskWatcher;
  monitor?: IncidentMonitor;
  store: StateStore;
  /** Starts the receiver, then the watcher and the monitor. In HTTP mode, resolves with the listening port. */
  start(): Promise<{ port?: number }>;
  /** Stops taking requests, stops polling and saves state. Does not log out of EM: whoever built `em` does. */
  stop(): Promise<void>;
}

export function createBot({ config, em, logger, clock = systemClock, slackRetryConfig, host }: BotDeps): Bot {
  const store = new StateStore(config.watch.stateFile, logger.child({ component: 'state' }));
  store.load();
  const app = createSlackApp({ config: config.slack, logger, retryConfig: slackRetryConfig });
  const watcher = new TaskWatcher({
    em,
    slack: app.client,
    store,
    logger: logger.child({ component: 'watcher' }),
    clock,
    config: config.watch,
  });
  const monitor =
    config.notify.incidentChannel === undefined
      ? undefined
      : new IncidentMonitor({
          em,
          publisher: createSlackIncidentPublisher(
            createChannelPoster(app.client),
            logger.child({ component: 'monitor' }),
          ),
          store,
          logger: logger.child({ component: 'monitor' }),
          clock,
          config: config.notify,
        });
  const listeners = registerListeners(app, {
    config,
    em,
    logger: logger.child({ component: 'slack' }),
    clock,
    watcher,
  });
  app.error(async (error) => {
    // The last net: listeners answer users themselves; this only keeps a trace of what escaped them.
    logger.error('unhandled error in a Slack listener', { error });
  });

  let started = false;
  return {
    app,
    watcher,
    monitor,
    store,
    async start() {
      let port: number | undefined;
      if (config.slack.appToken !== undefined) {
        await app.start();
      } else {
        const server = await app.start({ port: config.slack.port, host });
        port = (server.address() as AddressInfo).port;
      }
      started = true;
      watcher.start();
      monitor?.start();
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
      listeners.stop();
      // In parallel and bounded: a monitor stuck behind Slack retries must not cost the watcher its final save.
      await Promise.all([
        monitor ? within(STOP_LIMIT_MS, monitor.stop(), 'incident monitor', logger) : undefined,
        within(STOP_LIMIT_MS, watcher.stop(), 'task watcher', logger),
      ]);
      store.flush();
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
