// LOG_FORMAT and HEALTH_PORT: read like every other variable, a bad value named in a ConfigError.

import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config.js';
import { readHealthPort } from '../../src/health/health-port.js';
import { readLogFormat } from '../../src/log/log-format.js';

describe('LOG_FORMAT', () => {
  it('is json unless set to pretty', () => {
    expect(readLogFormat({})).toBe('json');
    expect(readLogFormat({ LOG_FORMAT: ' Pretty ' })).toBe('pretty');
    expect(readLogFormat({ LOG_FORMAT: 'json' })).toBe('json');
  });

  it('names a bad value', () => {
    expect(() => readLogFormat({ LOG_FORMAT: 'text' })).toThrow(ConfigError);
    expect(() => readLogFormat({ LOG_FORMAT: 'text' })).toThrow(
      /LOG_FORMAT: expected json or pretty, got "text"/,
    );
  });
});

describe('HEALTH_PORT', () => {
  it('is 3001 unless set; 0 turns the health server off', () => {
    expect(readHealthPort({})).toBe(3001);
    expect(readHealthPort({ HEALTH_PORT: '8081' })).toBe(8081);
    expect(readHealthPort({ HEALTH_PORT: '0' })).toBe(0);
  });

  it('names a bad value', () => {
    for (const bad of ['-1', '3001.5', '70000', 'off']) {
      expect(() => readHealthPort({ HEALTH_PORT: bad })).toThrow(/HEALTH_PORT: expected a whole number/);
    }
  });
});
