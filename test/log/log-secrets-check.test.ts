// The suite-wide log check (test/support/log-secrets.ts) itself: it must fail when a secret slips past the
// logger's redaction (a field or a message the redactor cannot know), nested errors included, and the harness's
// close() must run it.

import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../src/log/logger.js';
import { type Harness, SIGNING_SECRET, startHarness } from '../support/harness.js';
import { assertNoSecretLogged, type KnownSecrets } from '../support/log-secrets.js';

const SECRETS: KnownSecrets = {
  'EM X-RestSvcSessionId #1': 'q8Lx3N0bY2FzZTY0dG9rZW4=',
  'Slack signing secret': 'sign-me-7f3a',
  'EM password': 'Pa"ss\\word',
};

describe('assertNoSecretLogged', () => {
  it('passes lines that hold no secret', () => {
    const logger = createMemoryLogger('debug');
    logger.info('Logged on to EM', { user: 'chatops', url: 'https://em.example.local:9398/api' });
    expect(() => assertNoSecretLogged(logger.lines, SECRETS)).not.toThrow();
  });

  it('throws on a secret in a nested error, naming the secret but never showing it', () => {
    const logger = createMemoryLogger('debug');
    const token = SECRETS['EM X-RestSvcSessionId #1'] as string;
    // The redactor masks known keys and token shapes; a bare base64 token in an error message slips past it.
    logger.warn('EM request failed', { error: { cause: new Error(`session ${token} refused`) } });
    let thrown: unknown;
    try {
      assertNoSecretLogged(logger.lines, SECRETS);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    const message = (thrown as Error).message;
    expect(message).toContain('line 1 ("EM request failed") holds the EM X-RestSvcSessionId #1');
    expect(message).not.toContain(token);
  });

  it('throws on a secret in a message, masked in the report', () => {
    const logger = createMemoryLogger('debug');
    logger.debug(`verifying with ${SECRETS['Slack signing secret']}`);
    expect(() => assertNoSecretLogged(logger.lines, SECRETS)).toThrow(
      'line 1 ("verifying with [secret]") holds the Slack signing secret',
    );
  });

  it('finds a secret JSON had to escape, and one in plain text lines (a child process stderr)', () => {
    const logger = createMemoryLogger('debug');
    logger.info('config', { detail: `pw=${SECRETS['EM password']}` });
    expect(() => assertNoSecretLogged(logger.lines, SECRETS)).toThrow(/holds the EM password/);
    expect(() => assertNoSecretLogged(['{"msg":"x"}', 'sign-me-7f3a'], SECRETS)).toThrow(
      /line 2 .* holds the Slack signing secret/,
    );
  });
});

describe("the harness's close()", () => {
  it('fails the test file when a line of its run held a secret', async () => {
    const h: Harness = await startHarness();
    expect((await h.command('jobs')).status).toBe(200);
    h.logger.warn('a careless line', { detail: SIGNING_SECRET });
    await expect(h.close()).rejects.toThrow(/"a careless line"\) holds the Slack signing secret/);
  });

  it('knows the EM sessions the simulator handed out', async () => {
    const h: Harness = await startHarness();
    await h.command('jobs');
    await h.waitFor(() => h.sim.issuedLogons.length > 0);
    const { token } = h.sim.issuedLogons[0] as { token: string };
    h.logger.info('a careless line', { detail: token });
    await expect(h.close()).rejects.toThrow(/holds the EM X-RestSvcSessionId #1/);
  });
});
