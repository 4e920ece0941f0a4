// The one Slack Web API client the bot sends with (listeners, watcher, monitor), and the logger Slack's libraries use.

import {
  LogLevel,
  type RetryOptions,
  type Logger as SlackLogger,
  WebClient,
  WebClientEvent,
  type WebClientOptions,
} from '@slack/web-api';
import type { SlackConfig } from '../config.js';
import type { Logger } from '../log/logger.js';

interface SlackWebClientOptions {
  /** Retries (429 honours Retry-After; 5xx and network errors back off). Default: Slack's ~30 min. */
  retryConfig?: RetryOptions;
  /** Told of every call's end and every 429 (the bot's metrics). */
  observer?: SlackCallObserver;
}

export interface SlackCallObserver {
  /** A call ended: `error` undefined when Slack said ok. */
  called(method: string, error?: unknown): void;
  /** Slack answered 429; the client waits `retryAfterSec` and retries. */
  rateLimited(method: string, retryAfterSec: number): void;
}

/**
 * WebClient binds chat.postMessage and the rest to `this.apiCall` while it is constructed, so only a subclass's
 * apiCall sees every call; wrapping the instance afterwards would miss them.
 */
class ObservedWebClient extends WebClient {
  constructor(
    token: string,
    options: WebClientOptions,
    private readonly observer: SlackCallObserver,
  ) {
    super(token, options);
    // The event names the request URL (…/api/chat.postMessage); its last segment is the method.
    this.on(WebClientEvent.RATE_LIMITED, (retryAfterSec: number, request: { url?: unknown }) => {
      const url = typeof request?.url === 'string' ? request.url : '';
      this.observer.rateLimited(url.slice(url.lastIndexOf('/') + 1), retryAfterSec);
    });
  }

  override async apiCall(method: string, options?: Record<string, unknown>) {
    try {
      const result = await super.apiCall(method, options);
      this.observer.called(method);
      return result;
    } catch (error) {
      this.observer.called(method, error);
      throw error;
    }
  }
}

export function createSlackWebClient(
  config: SlackConfig,
  logger: Logger,
  { retryConfig, observer }: SlackWebClientOptions = {},
): WebClient {
  const options: WebClientOptions = {
    slackApiUrl: config.apiUrl,
    logger: toSlackLogger(logger.child({ component: 'slack-web' })),
    ...(retryConfig ? { retryConfig } : {}),
  };
  return observer
    ? new ObservedWebClient(config.botToken, options, observer)
    : new WebClient(config.botToken, options);
}

/** Bolt and the WebClient log through our logger, so their lines are JSON and redacted too. */
export function toSlackLogger(logger: Logger): SlackLogger {
  let level: LogLevel = LogLevel.INFO;
  const text = (parts: unknown[]) =>
    parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: (...msg) => logger.debug(text(msg)),
    info: (...msg) => logger.info(text(msg)),
    warn: (...msg) => logger.warn(text(msg)),
    error: (...msg) => logger.error(text(msg)),
    setLevel: (next) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => {},
  };
}
