// What the Slack surface is built from; registerListeners() makes policy, approvals and locks out of these.

import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { EmApi } from '../em/api.js';
import type { Logger } from '../log/logger.js';
import type { TaskWatchSink } from '../watch/types.js';

export interface SlackDeps {
  config: Config;
  em: EmApi;
  logger: Logger;
  clock: Clock;
  watcher: TaskWatchSink;
}
