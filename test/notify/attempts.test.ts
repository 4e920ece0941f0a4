import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { attemptedFailure, attemptOf, NO_RETRIES, pagesFor, recoveredOn } from '../../src/notify/attempts.js';

const TWO_RETRIES = { times: 2, timeoutMinutes: 10 };
const first = { isRetry: false };
const retry = { isRetry: true };

describe('counting attempts', () => {
  it('a job without retries has no attempt count: every failure is the last and pages', () => {
    expect(attemptOf(first, undefined, NO_RETRIES)).toBeUndefined();
    expect(pagesFor('final', undefined)).toBe(true);
  });

  it('counts a scheduled run as attempt 1 and each IsRetry session after it as the next', () => {
    const one = attemptOf(first, undefined, TWO_RETRIES);
    expect(one).toEqual({ n: 1, of: 3 });
    const two = attemptOf(retry, { attempt: one }, TWO_RETRIES);
    expect(two).toEqual({ n: 2, of: 3 });
    expect(attemptOf(retry, { attempt: two }, TWO_RETRIES)).toEqual({ n: 3, of: 3 });
    // A new scheduled run starts over.
    expect(attemptOf(first, { attempt: { n: 3, of: 3 } }, TWO_RETRIES)).toEqual({ n: 1, of: 3 });
  });

  it('a retry it cannot count (none before it, or past the last) has no count, and pages', () => {
    expect(attemptOf(retry, undefined, TWO_RETRIES)).toBeUndefined();
    expect(attemptOf(retry, { attempt: { n: 3, of: 3 } }, TWO_RETRIES)).toBeUndefined();
    expect(attemptOf(retry, { attempt: { n: 1, of: 3, last: true } }, TWO_RETRIES)).toBeUndefined();
  });

  it('pages on the last attempt by default, on every one with "every"', () => {
    expect(pagesFor('final', { n: 1, of: 3 })).toBe(false);
    expect(pagesFor('final', { n: 3, of: 3 })).toBe(true);
    expect(pagesFor('final', { n: 1, of: 3, last: true })).toBe(true);
    expect(pagesFor('every', { n: 1, of: 3 })).toBe(true);
  });

  it('awaits the retry only when the attempt did not page: RetryTimeout, then at least 15 minutes or two polls', () => {
    const options = { mentionOn: 'final' as const, endedMs: 0, pollIntervalSeconds: 60 };
    expect(attemptedFailure(first, undefined, TWO_RETRIES, options)).toEqual({
      attempt: { n: 1, of: 3 },
      pages: false,
      retryDueMs: 25 * 60_000,
    });
    expect(attemptedFailure(first, undefined, TWO_RETRIES, { ...options, mentionOn: 'every' })).toEqual({
      attempt: { n: 1, of: 3 },
      pages: true,
    });
  });

  it('a success is a recovery only when it is the retry of a counted attempt', () => {
    expect(recoveredOn(retry, { attempt: { n: 1, of: 3 } })).toEqual({ n: 2, of: 3 });
    expect(recoveredOn(first, { attempt: { n: 1, of: 3 } })).toBeUndefined();
    expect(recoveredOn(retry, { attempt: undefined })).toBeUndefined();
  });
});

describe('configuration', () => {
  const minimal = {
    SLACK_BOT_TOKEN: 'xoxb-1',
    SLACK_APP_TOKEN: 'xapp-1',
    VEEAM_EM_URL: 'https://em.example.local:9398/api/',
    VEEAM_EM_USERNAME: 'svc',
    VEEAM_EM_PASSWORD: 'hunter2-secret',
  };

  it('VEEAM_MENTION_ON is final by default, every on request, and anything else is named', () => {
    expect(loadConfig(minimal).notify.mentionOn).toBe('final');
    expect(loadConfig({ ...minimal, VEEAM_MENTION_ON: 'every' }).notify.mentionOn).toBe('every');
    expect(() => loadConfig({ ...minimal, VEEAM_MENTION_ON: 'always' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...minimal, VEEAM_MENTION_ON: 'always' })).toThrow(/VEEAM_MENTION_ON/);
  });

  it('VEEAM_SLACK_POST_INTERVAL_MS is 1 s by default', () => {
    expect(loadConfig(minimal).slack.postIntervalMs).toBe(1_000);
    expect(loadConfig({ ...minimal, VEEAM_SLACK_POST_INTERVAL_MS: '250' }).slack.postIntervalMs).toBe(250);
    expect(() => loadConfig({ ...minimal, VEEAM_SLACK_POST_INTERVAL_MS: 'soon' })).toThrow(
      /VEEAM_SLACK_POST_INTERVAL_MS/,
    );
  });
});
