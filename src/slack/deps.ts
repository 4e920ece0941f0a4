// What every Slack listener works with; createBot builds it once and hands it to registerListeners.

import type { WebClient } from '@slack/web-api';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { EmApi } from '../em/api.js';
import type { Logger } from '../log/logger.js';
import type { ApprovalBook } from '../ops/approvals.js';
import type { Policy } from '../ops/policy.js';
import type { RecentActions } from '../ops/recent-actions.js';
import type { ScheduleSwitch } from '../ops/schedule-switch.js';
import type { TaskWatchSink } from '../watch/types.js';
import type { HomeTab } from './home/home-tab.js';

export interface SlackDeps {
  config: Config;
  em: EmApi;
  logger: Logger;
  clock: Clock;
  /** Every post, update, ephemeral answer and user-group lookup goes through this client. */
  slack: WebClient;
  watcher: TaskWatchSink;
  policy: Policy;
  approvals: ApprovalBook;
  schedule: ScheduleSwitch;
  /** Writes asked for in the last seconds, so a double click runs once. */
  recentActions: RecentActions;
  /** The App Home tab (absent: app_home_opened is ignored). */
  home?: HomeTab;
}
