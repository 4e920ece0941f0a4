import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

const minimal = {
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_APP_TOKEN: 'xapp-1',
  VEEAM_EM_URL: 'https://em.example.local:9398/api/',
  VEEAM_EM_USERNAME: 'svc',
  VEEAM_EM_PASSWORD: 'hunter2-secret',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env, () => '-----BEGIN CERTIFICATE-----');
  } catch (err) {
    if (err instanceof ConfigError) return [...err.problems];
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('parses a minimal Socket Mode setup with documented defaults', () => {
    const config = loadConfig(minimal);
    expect(config.slack.appToken).toBe('xapp-1');
    expect(config.em.url).toBe('https://em.example.local:9398/api');
    expect(config.em.insecureTls).toBe(false);
    expect(config.em.timeoutMs).toBe(30_000);
    expect(config.em.maxBodyBytes).toBe(32 * 1024 * 1024);
    expect(config.policy.approvalActions).toEqual(['stop', 'disable', 'session-stop']);
    expect(config.policy.approvalTtlMinutes).toBe(15);
    expect(config.policy.operators).toEqual([]);
    expect(config.watch).toEqual({
      pollIntervalMs: 1500,
      timeoutMinutes: 60,
      stateFile: 'veeam-chatops.state.json',
    });
    expect(config.notify.monitorIntervalSeconds).toBe(60);
    expect(config.notify.longRunningMinutes).toBeUndefined();
    expect(config.logLevel).toBe('info');
  });

  it('returns a frozen object', () => {
    const config = loadConfig(minimal);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.policy.operators)).toBe(true);
  });

  it('names every bad variable in one error, and never echoes a secret', () => {
    const problems = problemsOf({
      SLACK_BOT_TOKEN: '',
      VEEAM_EM_URL: 'ftp://em',
      VEEAM_EM_PASSWORD: 'hunter2-secret',
      VEEAM_EM_TIMEOUT_MS: '1e3',
      VEEAM_EM_MAX_BODY_BYTES: '12',
      TASK_POLL_INTERVAL_MS: 'fast',
      VEEAM_OPERATORS: 'U123,alice',
      VEEAM_APPROVAL_ACTIONS: 'stop,explode',
      VEEAM_EM_INSECURE_TLS: 'maybe',
      LOG_LEVEL: 'loud',
    });
    const text = problems.join('\n');
    for (const name of [
      'SLACK_BOT_TOKEN',
      'SLACK_APP_TOKEN or SLACK_SIGNING_SECRET',
      'VEEAM_EM_URL',
      'VEEAM_EM_USERNAME',
      'VEEAM_EM_TIMEOUT_MS',
      'VEEAM_EM_MAX_BODY_BYTES',
      'TASK_POLL_INTERVAL_MS',
      'VEEAM_OPERATORS',
      'VEEAM_APPROVAL_ACTIONS',
      'VEEAM_EM_INSECURE_TLS',
      'LOG_LEVEL',
    ]) {
      expect(text).toContain(name);
    }
    expect(text).not.toContain('hunter2');
  });

  it('reads the EM answer size cap in bytes', () => {
    expect(loadConfig({ ...minimal, VEEAM_EM_MAX_BODY_BYTES: '1048576' }).em.maxBodyBytes).toBe(1_048_576);
  });

  it('uses HTTP mode with a signing secret and port', () => {
    const config = loadConfig({
      ...minimal,
      SLACK_APP_TOKEN: '',
      SLACK_SIGNING_SECRET: 's3cret',
      PORT: '8080',
    });
    expect(config.slack.appToken).toBeUndefined();
    expect(config.slack.port).toBe(8080);
  });

  it('reads the CA file and rejects one without a certificate', () => {
    const config = loadConfig(
      { ...minimal, VEEAM_EM_CA_FILE: '/etc/em-ca.pem' },
      () => '-----BEGIN CERTIFICATE-----\nabc',
    );
    expect(config.em.ca).toContain('BEGIN CERTIFICATE');
    expect(() => loadConfig({ ...minimal, VEEAM_EM_CA_FILE: '/nope/missing.pem' })).toThrow(
      /VEEAM_EM_CA_FILE: cannot read/,
    );
    expect(() => loadConfig({ ...minimal, VEEAM_EM_CA_FILE: '/x' }, () => 'not a cert')).toThrow(
      /holds no PEM/,
    );
  });

  it('accepts user groups and channel lists', () => {
    const config = loadConfig({
      ...minimal,
      VEEAM_OPERATORS: 'U01ABC, S02GROUP',
      VEEAM_ALLOWED_CHANNELS: 'C01OPS,G02PRIV',
    });
    expect(config.policy.operators).toEqual(['U01ABC', 'S02GROUP']);
    expect(config.policy.allowedChannels).toEqual(['C01OPS', 'G02PRIV']);
  });

  it('keeps the default approvals for an empty VEEAM_APPROVAL_ACTIONS; only "none" turns them off', () => {
    expect(loadConfig({ ...minimal, VEEAM_APPROVAL_ACTIONS: '' }).policy.approvalActions).toEqual([
      'stop',
      'disable',
      'session-stop',
    ]);
    expect(loadConfig({ ...minimal, VEEAM_APPROVAL_ACTIONS: 'none' }).policy.approvalActions).toEqual([]);
  });

  it('previews every write but task-cancel by default; VEEAM_CONFIRM_ACTIONS lists them, "none" turns them off', () => {
    expect(loadConfig(minimal).policy.confirmActions).toEqual([
      'start',
      'stop',
      'retry',
      'enable',
      'disable',
      'toggle',
      'session-stop',
    ]);
    expect(loadConfig({ ...minimal, VEEAM_CONFIRM_ACTIONS: 'start, Retry' }).policy.confirmActions).toEqual([
      'start',
      'retry',
    ]);
    expect(loadConfig({ ...minimal, VEEAM_CONFIRM_ACTIONS: 'none' }).policy.confirmActions).toEqual([]);
    expect(() => loadConfig({ ...minimal, VEEAM_CONFIRM_ACTIONS: 'start,nuke' })).toThrow(
      /VEEAM_CONFIRM_ACTIONS/,
    );
  });

  it('allows the incident channel even when VEEAM_ALLOWED_CHANNELS forgets it, so its buttons work', () => {
    const config = loadConfig({
      ...minimal,
      VEEAM_ALLOWED_CHANNELS: 'C01OPS',
      VEEAM_INCIDENT_CHANNEL: 'C09INC',
    });
    expect(config.policy.allowedChannels).toEqual(['C01OPS', 'C09INC']);
    expect(loadConfig({ ...minimal, VEEAM_INCIDENT_CHANNEL: 'C09INC' }).policy.allowedChannels).toEqual([]);
  });

  it('refuses a VEEAM_EM_URL with a user and password, naming the variable and never showing the password', () => {
    for (const url of [
      'https://svc:hunter2-secret@em.example.local:9398/api',
      'https://svc@em.example.local:9398/api',
      // A password with a "/" or "?" makes the URL unparsable: it must not be echoed either.
      'https://svc:hunt/er2-secret@em.example.local:9398/api',
      'https://svc:hunt?er2-secret@em.example.local:9398/api',
    ]) {
      const problems = problemsOf({ ...minimal, VEEAM_EM_URL: url });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^VEEAM_EM_URL: /);
      expect(problems[0]).not.toMatch(/hunt|er2-secret|svc/);
    }
    expect(problemsOf({ ...minimal, VEEAM_EM_URL: 'https://svc:pw@em.example.local/api' })[0]).toContain(
      'VEEAM_EM_USERNAME and VEEAM_EM_PASSWORD',
    );
  });

  it('refuses a VEEAM_EM_URL with a query or a fragment, which every EM request path would land behind', () => {
    for (const [url, what] of [
      ['https://em.example.local:9398/api?x=1', 'query'],
      ['https://em.example.local:9398/api?', 'query'],
      ['https://em.example.local:9398/api#top', 'fragment'],
      ['https://em.example.local:9398/api#', 'fragment'],
    ] as const) {
      const problems = problemsOf({ ...minimal, VEEAM_EM_URL: url });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(new RegExp(`^VEEAM_EM_URL: must not carry a ${what}`));
      expect(problems[0]).toContain(url);
    }
  });

  it('still accepts a plain http(s) VEEAM_EM_URL, with or without a trailing slash', () => {
    expect(loadConfig({ ...minimal, VEEAM_EM_URL: 'http://em:9399/api' }).em.url).toBe('http://em:9399/api');
    expect(problemsOf({ ...minimal, VEEAM_EM_URL: 'ftp://em/api' })[0]).toMatch(
      /^VEEAM_EM_URL: expected an http/,
    );
    expect(problemsOf({ ...minimal, VEEAM_EM_URL: '' })[0]).toMatch(/^VEEAM_EM_URL: required/);
  });
});
