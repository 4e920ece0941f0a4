// The Slack client's observer for the metrics: every Web API call by method and outcome, every 429 and its wait.

import type { SlackCallObserver } from '../slack/web-client.js';
import type { Metrics } from './metrics.js';

/** Slack's method names and error codes are a fixed vocabulary; anything else is folded so labels stay bounded. */
const METHOD = /^[A-Za-z.]{1,60}$/;
const OUTCOME = /^[a-z_]{1,60}$/;

export function slackCallObserver(metrics: Metrics): SlackCallObserver {
  return {
    called(method, error) {
      metrics.slackCalls.inc({
        method: methodLabel(method),
        outcome: error === undefined ? 'ok' : outcomeOf(error),
      });
    },
    rateLimited(method, retryAfterSec) {
      const label = methodLabel(method);
      metrics.slackRateLimited.inc({ method: label });
      if (Number.isFinite(retryAfterSec) && retryAfterSec >= 0) {
        metrics.slackRateLimitWait.inc({ method: label }, retryAfterSec);
      }
    },
  };
}

function methodLabel(method: string): string {
  return METHOD.test(method) ? method : 'other';
}

/** Slack's own error code (channel_not_found, ratelimited…) or the client's (slack_webapi_request_error…). */
function outcomeOf(error: unknown): string {
  const data = (error as { data?: { error?: unknown } }).data;
  const code = typeof data?.error === 'string' ? data.error : (error as { code?: unknown }).code;
  return typeof code === 'string' && OUTCOME.test(code) ? code : 'error';
}
