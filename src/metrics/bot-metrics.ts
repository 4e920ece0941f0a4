// Wires the metrics into the bot's parts without the parts knowing: Bolt's middleware, the audit trail and scrape-time gauges over the approval book, the watcher and the monitor's saved state.

import type { App } from '@slack/bolt';
import type { Logger } from '../log/logger.js';
import type { IncidentMonitor } from '../notify/incident-monitor.js';
import { readMonitorState } from '../notify/monitor-state.js';
import type { ApprovalBook } from '../ops/approvals.js';
import type { StateStore } from '../state/state-store.js';
import type { TaskWatcher } from '../watch/task-watcher.js';
import type { Metrics } from './metrics.js';

/** Audit actions and outcomes are our own fixed words; anything else is folded so labels stay bounded. */
const WORD = /^[a-z][a-z-]{0,39}$/;

export interface MeteredParts {
  approvals: ApprovalBook;
  watcher: TaskWatcher;
  store: StateStore;
}

/** Notify latency from a watcher; called on each new one (a replica builds one per leader term). */
export function meterWatcher(metrics: Metrics, watcher: TaskWatcher): TaskWatcher {
  watcher.counters.onResultPosted = (delayMs) => metrics.notifyLatency.observe(delayMs / 1000);
  return watcher;
}

/** Monitor polls and EM outages as counters; called on each new monitor. */
export function meterMonitor(
  metrics: Metrics,
  monitor: IncidentMonitor | undefined,
): IncidentMonitor | undefined {
  if (monitor !== undefined) {
    monitor.observer = {
      polled: (outcome) => metrics.monitorPolls.inc({ outcome }),
      outageDeclared: () => metrics.emOutages.inc(),
    };
  }
  return monitor;
}

export function meterBot(metrics: Metrics, parts: MeteredParts): void {
  parts.store.onWrite = (ok) => metrics.stateWrites.inc({ outcome: ok ? 'ok' : 'failed' });
  metrics.gauge('approvals_pending', 'Approval requests waiting for an approver.', () =>
    parts.approvals.pendingCount(),
  );
  metrics.gauge('watches_pending', 'Started Tasks the bot is still following in EM.', () => {
    const stats = parts.watcher.stats();
    return stats.active;
  });
  metrics.gauge('watch_posts_pending', 'Finished watches whose Slack posts are not all sent yet.', () => {
    return parts.watcher.stats().pendingPosts;
  });
  // The monitor's memory as last saved (every poll saves it): open incidents and whether EM is in an outage.
  const monitor = () => readMonitorState(parts.store.read('monitor'));
  metrics.gauge('incidents_open', 'Jobs with an open incident in the incident channel.', () => {
    return Object.keys(monitor()?.incidents ?? {}).length;
  });
  metrics.gauge('em_outage', '1 while the incident monitor counts EM as unreachable, else 0.', () =>
    monitor()?.emOutage ? 1 : 0,
  );
  metrics.gauge(
    'monitor_last_poll_timestamp_seconds',
    'When the incident monitor last polled EM successfully (Unix seconds; 0 before the first poll).',
    () => (monitor()?.lastPollMs ?? 0) / 1000,
  );
}

/** Counts every request Slack sends (each is acknowledged), by its kind; never its text or IDs. */
export function meterRequests(app: App, metrics: Metrics): void {
  app.use(async ({ body, next }) => {
    metrics.acks.inc({ kind: requestKind(body) });
    await next();
  });
}

function requestKind(body: unknown): string {
  const fields = body as { command?: unknown; type?: unknown };
  if (typeof fields.command === 'string') return 'slash_command';
  return typeof fields.type === 'string' && /^[a-z_]{1,40}$/.test(fields.type) ? fields.type : 'other';
}

/** A logger that also counts each audit line (ops/audit.ts writes one per action and decision) by action and outcome. */
export function auditCounting(logger: Logger, metrics: Metrics): Logger {
  return {
    debug: (msg, fields) => logger.debug(msg, fields),
    info: (msg, fields) => {
      if (fields?.audit === true) {
        metrics.actions.inc({ action: word(fields.action), outcome: word(fields.outcome) });
      }
      logger.info(msg, fields);
    },
    warn: (msg, fields) => logger.warn(msg, fields),
    error: (msg, fields) => logger.error(msg, fields),
    child: (fields) => auditCounting(logger.child(fields), metrics),
  };
}

function word(value: unknown): string {
  return typeof value === 'string' && WORD.test(value) ? value : 'other';
}
