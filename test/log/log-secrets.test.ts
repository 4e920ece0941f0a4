// No secret reaches a log line: not through fields, nested config, child bindings, Bolt's string lines or the
// pretty format. Secrets are planted where real code could put them and looked for in every byte written.

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/log/logger.js';
import { toSlackLogger } from '../../src/slack/web-client.js';

const SECRETS = {
  emPassword: 'Em-Pa55word-42',
  botToken: 'xoxb-1111-2222-secretbot',
  appToken: 'xapp-1-A999-secretapp',
  signingSecret: '8f14e45fceea167a5a36dedd4bea2543',
  emSessionHeader: 'ZTYzZjM1MmMtNWMwZi00',
  logonSessionId: '9a4b7c1e-0f6d-4c83-9a1b-2f3e4d5c6b7a',
  basic: 'Y2hhdG9wczpFbS1QYTU1d29yZC00Mg==',
};

const config = loadConfig({
  SLACK_BOT_TOKEN: SECRETS.botToken,
  SLACK_APP_TOKEN: SECRETS.appToken,
  SLACK_SIGNING_SECRET: SECRETS.signingSecret,
  VEEAM_EM_URL: 'https://em.example.local:9398/api',
  VEEAM_EM_USERNAME: 'CORP\\svc-chatops',
  VEEAM_EM_PASSWORD: SECRETS.emPassword,
});

/** Everything a careless caller could hand the logger. */
function logEverything(format: 'json' | 'pretty'): string {
  const out: string[] = [];
  const logger = createLogger({ level: 'debug', format, write: (line) => out.push(line) });
  logger.info('config loaded', { config });
  logger.debug('EM request', {
    request: { method: 'POST', headers: { Authorization: `Basic ${SECRETS.basic}` } },
    response: { headers: { 'X-RestSvcSessionId': SECRETS.emSessionHeader } },
  });
  logger.warn(`logon answered X-RestSvcSessionId: ${SECRETS.emSessionHeader}`);
  logger.error('EM session', {
    logonSession: { token: SECRETS.emSessionHeader, sessionId: SECRETS.logonSessionId },
  });
  logger
    .child({ component: 'slack', token: SECRETS.botToken })
    .info('child bindings', { appToken: SECRETS.appToken });
  const bolt = toSlackLogger(logger.child({ component: 'bolt' }));
  bolt.debug('http request', { headers: { authorization: `Bearer ${SECRETS.botToken}` } });
  bolt.info(`apps.connections.open with ${SECRETS.appToken}`);
  logger.error('wrapped error', { error: new Error(`sent Bearer ${SECRETS.botToken} and got 401`) });
  return out.join('\n');
}

describe('log lines', () => {
  for (const format of ['json', 'pretty'] as const) {
    it(`carry no secret in ${format} format`, () => {
      const text = logEverything(format);
      expect(text.split('\n').length).toBeGreaterThanOrEqual(8);
      for (const [name, secret] of Object.entries(SECRETS)) {
        expect(text, name).not.toContain(secret);
      }
      expect(text).toContain('[redacted]');
      // What an operator needs stays: the user name and the EM URL are not secrets.
      expect(text).toContain('svc-chatops');
    });
  }

  it('are one JSON object each, with level, time and msg', () => {
    const lines = logEverything('json').split('\n');
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(parsed).toMatchObject({ level: expect.any(String), msg: expect.any(String) });
      expect(Date.parse(String(parsed.time))).not.toBeNaN();
    }
  });

  it('keep an audit entry one JSON object with "audit":true', () => {
    const out: string[] = [];
    const logger = createLogger({ write: (line) => out.push(line) }).child({ component: 'slack' });
    logger.info('audit', {
      audit: true,
      user: 'UOPER1',
      action: 'start',
      target: 'job-1',
      outcome: 'accepted',
    });
    expect(out).toHaveLength(1);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({
      level: 'info',
      msg: 'audit',
      audit: true,
      component: 'slack',
      outcome: 'accepted',
    });
  });

  it('read as one text line each in pretty format', () => {
    const out: string[] = [];
    const logger = createLogger({
      format: 'pretty',
      write: (line) => out.push(line),
      now: () => Date.parse('2026-01-01T12:00:01.234Z'),
    });
    logger.child({ component: 'em' }).info('Logged on to EM', { user: 'svc' });
    expect(out).toEqual(['12:00:01.234 INFO  [em] Logged on to EM user=svc']);
  });
});
