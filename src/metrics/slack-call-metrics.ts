// Counts every Slack Web API call the bot makes, and every 429 with the wait Slack asked for, on the one WebClient
// the listeners, the watcher and the monitor share: every method goes through its apiCall, so one wrap sees all.

import { type WebClient, WebClientEvent } from '@slack/web-api';
import type { Metrics } from './metrics.js';

/** Slack's method names and error codes are a fixed vocabulary; anything else is folded so labels stay bounded. */
const METHOD = /^[A-Za-z.]{1,60}$/;
const OUTCOME = /^[a-z_]{1,60}$/;

export function instrumentWebClient(client: WebClient, metrics: Metrics): void {
  const apiCall = client.apiCall.bind(client);
  client.apiCall = async (method, options) => {
    const label = METHOD.test(method) ? method : 'other';
    try {
      const result = await apiCall(method, options);
      metrics.slackCalls.inc({ method: label, outcome: 'ok' });
      return result;
    } catch (error) {
      metrics.slackCalls.inc({ method: label, outcome: outcomeOf(error) });
      throw error;
    }
  };
  // Emitted before each retry after a 429 (the call itself usually succeeds later and counts as ok).
  client.on(WebClientEvent.RATE_LIMITED, (retryAfterSec: number, request: { url?: string }) => {
    const label = typeof request?.url === 'string' && METHOD.test(request.url) ? request.url : 'other';
    metrics.slackRateLimited.inc({ method: label });
    if (Number.isFinite(retryAfterSec)) metrics.slackRateLimitWait.inc({ method: label }, retryAfterSec);
  });
}

/** Slack's own error code (channel_not_found, ratelimited…) or the client's (slack_webapi_request_error…). */
function outcomeOf(error: unknown): string {
  const data = (error as { data?: { error?: unknown } }).data;
  const code = typeof data?.error === 'string' ? data.error : (error as { code?: unknown }).code;
  return typeof code === 'string' && OUTCOME.test(code) ? code : 'error';
}
