import { describe, expect, it } from 'vitest';
import { createLogger, createMemoryLogger } from '../../src/log/logger.js';

describe('logger', () => {
  it('writes one JSON object per line with level, message and fields', () => {
    const logger = createMemoryLogger('info');
    logger.child({ component: 'em' }).info('logged on', { user: 'svc' });
    logger.debug('not shown at info');
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toMatchObject({ level: 'info', msg: 'logged on', component: 'em', user: 'svc' });
  });

  it('writes a key bound by a child of a child once, with the innermost value', () => {
    const out: string[] = [];
    const logger = createLogger({ write: (line) => out.push(line) });
    logger.child({ component: 'em' }).child({ component: 'em-client' }).info('Logged on to EM');
    expect(out[0]?.match(/"component"/g)).toHaveLength(1);
    expect(JSON.parse(out[0] ?? '')).toMatchObject({ component: 'em-client' });
  });

  it('never writes passwords, tokens, Authorization headers or EM session ids', () => {
    const logger = createMemoryLogger();
    logger.error('request failed', {
      password: 'hunter2',
      headers: {
        authorization: 'Basic Y2hhdG9wczpodW50ZXIy',
        'X-RestSvcSessionId': 'NDRjZmJkYmUtNWE5NS00MTU2',
      },
      detail: 'token xoxb-123-456-abc and app xapp-1-A0-xyz used',
      logonSessionId: '44cfbdbe-5a95-4156-8867-91f069b7c2cc',
    });
    logger.warn('sent X-RestSvcSessionId: NDRjZmJkYmUtNWE5NS00MTU2 with Bearer xoxb-999');
    logger.info('backup session ended', { sessionId: 'bce9741f-d6aa-43ca-a229-1706c2eea0e7' });
    const text = JSON.stringify(logger.lines);
    // A backup session's ID is what an operator needs to trace an incident: it is not a secret.
    expect(text).toContain('bce9741f-d6aa-43ca-a229-1706c2eea0e7');
    for (const secret of [
      'hunter2',
      'Y2hhdG9w',
      'NDRjZmJkYmUt',
      'xoxb-123',
      'xapp-1-A0',
      '44cfbdbe',
      'xoxb-999',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });
});
