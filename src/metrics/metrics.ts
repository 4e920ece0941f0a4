// The bot's Prometheus metrics: one registry a bot, built where the bot is built (never a module singleton, so
// every test and every bot in one process counts on its own). Labels only ever carry bounded values.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const METRIC_PREFIX = 'veeam_chatops_';

/** Seconds; EM answers in tens of ms on a LAN and can take its whole VEEAM_EM_TIMEOUT_MS when it struggles. */
const EM_BUCKETS = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
/** Seconds; Slack gives up on an ack after 3 s, and a healthy one takes a few ms. */
const ACK_BUCKETS = [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3];
/** Seconds; a result is posted within a poll interval or two, unless Slack is slow or rate-limits us. */
const NOTIFY_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300];

export class Metrics {
  readonly registry = new Registry();
  readonly emRequests = new Counter({
    name: `${METRIC_PREFIX}em_requests_total`,
    help: 'Requests sent to Enterprise Manager, by route template and HTTP status (or error kind when none came back).',
    labelNames: ['route', 'status'] as const,
    registers: [this.registry],
  });
  readonly emLatency = new Histogram({
    name: `${METRIC_PREFIX}em_request_duration_seconds`,
    help: 'Time from sending a request to Enterprise Manager to having its whole answer, by route template.',
    labelNames: ['route'] as const,
    buckets: EM_BUCKETS,
    registers: [this.registry],
  });
  readonly slackCalls = new Counter({
    name: `${METRIC_PREFIX}slack_api_calls_total`,
    help: 'Slack Web API calls, by method and outcome (ok, or the error code Slack or the network gave).',
    labelNames: ['method', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly slackRateLimited = new Counter({
    name: `${METRIC_PREFIX}slack_rate_limited_total`,
    help: 'Slack Web API answers of 429 (each is retried after Retry-After), by method.',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });
  readonly slackRateLimitWait = new Counter({
    name: `${METRIC_PREFIX}slack_rate_limit_wait_seconds_total`,
    help: 'Seconds Slack asked the bot to wait (Retry-After), summed, by method.',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });
  readonly acks = new Counter({
    name: `${METRIC_PREFIX}slack_requests_total`,
    help: 'Requests Slack sent the bot (each acknowledged), by kind: slash_command, block_actions, view_submission, event.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly ackLatency = new Histogram({
    name: `${METRIC_PREFIX}slack_ack_duration_seconds`,
    help: 'Time from a request reaching POST /slack/events to its HTTP answer being sent (HTTP mode), by status class (2xx: acked; 4xx: refused).',
    labelNames: ['status'] as const,
    buckets: ACK_BUCKETS,
    registers: [this.registry],
  });
  readonly notifyLatency = new Histogram({
    name: `${METRIC_PREFIX}notify_latency_seconds`,
    help: 'Time from the watcher seeing a started Task Finished in EM to its result being posted in the Slack thread.',
    buckets: NOTIFY_BUCKETS,
    registers: [this.registry],
  });
  readonly monitorPolls = new Counter({
    name: `${METRIC_PREFIX}monitor_polls_total`,
    help: 'Incident monitor polls of EM, by outcome: ok, em-unreachable (counts toward an outage), query-failed (EM refused the query), failed (a bug; logged).',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly emOutages = new Counter({
    name: `${METRIC_PREFIX}em_outages_total`,
    help: 'EM outages the incident monitor declared (announced in the incident channel after several failed polls).',
    registers: [this.registry],
  });
  readonly actions = new Counter({
    name: `${METRIC_PREFIX}actions_total`,
    help: 'Write actions and approval decisions (one a line of the audit trail), by action and outcome.',
    labelNames: ['action', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly stateWrites = new Counter({
    name: `${METRIC_PREFIX}state_writes_total`,
    help: 'Writes of the state file (watches, the monitor memory), by outcome: ok or failed.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX });
  }

  /** A gauge read at each scrape (pending approvals, watches, open incidents): no bookkeeping to drift. */
  gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name: `${METRIC_PREFIX}${name}`,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** EmClient's observer: one request to EM finished with `status` (HTTP status, or the EmError kind). */
  readonly observeEm = (route: string, status: string, seconds: number): void => {
    this.emRequests.inc({ route, status });
    this.emLatency.observe({ route }, seconds);
  };

  /** The text Prometheus scrapes. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
