// The bot as a service: read config, build the parts, start, and stop cleanly on SIGTERM/SIGINT.

import 'dotenv/config';
import { type Bot, createBot } from './bot.js';
import { systemClock } from './clock.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { EmClient } from './em/client.js';
import { isEmError } from './em/errors.js';
import { readHealthPort } from './health/health-port.js';
import { healthRoutes } from './health/health-routes.js';
import { type HealthServer, startHealthServer } from './health/health-server.js';
import { Readiness } from './health/readiness.js';
import { emProbe, slackProbe, storeProbe } from './health/readiness-probes.js';
import { type LogFormat, readLogFormat } from './log/log-format.js';
import { createLogger, type Logger } from './log/logger.js';
import { Metrics } from './metrics/metrics.js';
import { metricsRoute } from './metrics/metrics-route.js';
import { slackCallObserver } from './metrics/slack-call-metrics.js';
import { createSlackWebClient } from './slack/web-client.js';
import { RedisLeaderLease } from './state/leader-lease.js';
import { openStateStore } from './state/open-state-store.js';
import type { StateStore } from './state/state-store.js';

/** The whole shutdown; a hung EM or Slack must not keep the service manager waiting. */
const SHUTDOWN_LIMIT_MS = 10_000;
/** Logging out is a courtesy to EM (its sessions idle out anyway): it must not hold the exit. */
const LOGOUT_LIMIT_MS = 3_000;

interface ServiceConfig {
  config: Config;
  logFormat: LogFormat;
  /** Socket Mode only (HTTP mode serves health on PORT); 0: off. */
  healthPort: number;
}

/** What runs and what main() stops on a signal. */
interface Running {
  bot: Bot;
  em: EmClient;
  readiness: Readiness;
  health?: HealthServer;
}

async function main(): Promise<void> {
  const { config, logFormat, healthPort } = readConfigOrExit();
  const logger = createLogger({ level: config.logLevel, format: logFormat });
  if (config.em.url.startsWith('http://')) {
    logger.warn(
      'VEEAM_EM_URL uses plain http://: the EM password and session travel unencrypted. Use https:// outside the simulator.',
    );
  }
  const metrics = new Metrics();
  const em = new EmClient({
    config: config.em,
    logger: logger.child({ component: 'em' }),
    observer: metrics.observeEm,
  });
  await logOnOrExit(em, logger);
  const { store, redis } = openStateStore(config, logger);
  // Replicas on one Redis take turns at the watcher and the monitor; on the state file this bot alone runs them.
  const leadership = redis
    ? new RedisLeaderLease({
        redis,
        instanceId: config.state.instanceId,
        ttlMs: config.leader.ttlMs,
        logger: logger.child({ component: 'leader' }),
      })
    : undefined;
  const readiness = buildReadiness(config, em, store, logger);
  const routes = healthRoutes(readiness);
  const socketMode = config.slack.appToken !== undefined;
  const bot = createBot(config, {
    em,
    store,
    clock: systemClock,
    slack: createSlackWebClient(config.slack, logger, { observer: slackCallObserver(metrics) }),
    logger,
    customRoutes: socketMode ? undefined : routes,
    metrics,
    leadership,
  });
  const health =
    socketMode && healthPort !== 0
      ? await startHealthServer([...routes, metricsRoute(metrics)], healthPort)
      : undefined;
  stopOnSignals({ bot, em, readiness, health }, logger);
  await bot.start();
  readiness.start();
  if (health) logger.info('health endpoints listening', { port: health.port });
}

/**
 * EmClient keeps no "last logon worked" signal of its own, so readiness asks EM itself on a timer, on the bot's
 * session. Slack's probe gets its own client without retries: the bot's retries for ~30 min, far past a check.
 */
function buildReadiness(config: Config, em: EmClient, store: StateStore, logger: Logger): Readiness {
  const probeClient = createSlackWebClient(config.slack, logger, { retryConfig: { retries: 0 } });
  return new Readiness({
    probes: [emProbe(em), slackProbe(probeClient), storeProbe(store, config.watch.stateFile)],
    logger: logger.child({ component: 'readiness' }),
  });
}

/** A bad variable stops the service before anything connects, with every problem named at once. */
function readConfigOrExit(): ServiceConfig {
  const problems: string[] = [];
  const read = <T>(reader: () => T): T | undefined => {
    try {
      return reader();
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      problems.push(...error.problems);
      return undefined;
    }
  };
  const config = read(() => loadConfig());
  const logFormat = read(() => readLogFormat());
  const healthPort = read(() => readHealthPort());
  if (config === undefined || logFormat === undefined || healthPort === undefined) {
    process.stderr.write(
      `${new ConfigError(problems).message}\nSee .env.example and the README's configuration table.\n`,
    );
    process.exit(2);
  }
  return { config, logFormat, healthPort };
}

/**
 * A wrong password never fixes itself: stop at once with what to change. EM being down only warns,
 * since the bot still answers in Slack and logs on by itself once EM is back.
 */
async function logOnOrExit(em: EmClient, logger: Logger): Promise<void> {
  try {
    await em.logon();
  } catch (error) {
    if (isEmError(error) && error.kind === 'auth') {
      logger.error(error.message);
      process.exit(2);
    }
    logger.warn('Enterprise Manager is not reachable yet; starting anyway', { error });
  }
}

function stopOnSignals({ bot, em, readiness, health }: Running, logger: Logger): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long; exiting anyway');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    deadline.unref();
    readiness.stop();
    await Promise.all([bot.stop(), health?.close()]);
    await bot.store.close();
    await Promise.race([em.close(), new Promise((resolve) => setTimeout(resolve, LOGOUT_LIMIT_MS).unref())]);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(
    `veeam-chatops failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
