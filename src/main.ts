// The bot as a service: read config, build the parts, start, and stop cleanly on SIGTERM/SIGINT.

import 'dotenv/config';
import { createBot } from './bot.js';
import { ConfigError, loadConfig } from './config.js';
import { EmClient } from './em/client.js';
import { isEmError } from './em/errors.js';
import { createLogger } from './log/logger.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example and the README's configuration table.\n`);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger({ level: config.logLevel });
  if (config.em.url.startsWith('http://')) {
    logger.warn(
      'VEEAM_EM_URL uses plain http://: the EM password and session travel unencrypted. Use https:// outside the simulator.',
    );
  }
  const em = new EmClient({ config: config.em, logger: logger.child({ component: 'em' }) });
  // A wrong password never fixes itself: stop at once with what to change. EM being down only warns,
  // since the bot still answers in Slack and logs on by itself once EM is back.
  try {
    await em.logon();
  } catch (err) {
    if (isEmError(err) && err.kind === 'auth') {
      logger.error(err.message);
      process.exit(2);
    }
    logger.warn('Enterprise Manager is not reachable yet; starting anyway', { error: err });
  }
  const bot = createBot({ config, em, logger });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    // A hung EM or Slack must not keep the service manager waiting.
    const deadline = setTimeout(() => {
      logger.error('shutdown took too long; exiting anyway');
      process.exit(1);
    }, 10_000);
    deadline.unref();
    await bot.stop();
    // Logging out is a courtesy to EM (its sessions idle out anyway): it must not hold the exit.
    await Promise.race([em.close(), new Promise((resolve) => setTimeout(resolve, 3_000).unref())]);
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await bot.start();
}

main().catch((err: unknown) => {
  process.stderr.write(
    `veeam-chatops failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
  );
  process.exit(1);
});
