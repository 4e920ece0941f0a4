import { describe, expect, it } from 'vitest';
import { readStateConfig } from '../../src/state/state-config.js';

function read(env: Record<string, string>) {
  const problems: string[] = [];
  const config = readStateConfig((name) => env[name], problems);
  return { config, problems };
}

describe('VEEAM_STATE_URL and VEEAM_INSTANCE_ID', () => {
  it('defaults to the state file, which VEEAM_STATE_FILE still names', () => {
    expect(read({}).config.backend).toEqual({ kind: 'file', path: 'veeam-chatops.state.json' });
    expect(read({ VEEAM_STATE_FILE: '/srv/s.json' }).config.backend).toEqual({
      kind: 'file',
      path: '/srv/s.json',
    });
  });

  it('takes file:///path, redis:// and rediss://', () => {
    expect(read({ VEEAM_STATE_URL: 'file:///var/lib/v/state.json' }).config.backend).toEqual({
      kind: 'file',
      path: '/var/lib/v/state.json',
    });
    for (const url of ['redis://redis:6379/0', 'rediss://u:p@redis.example:6380/2']) {
      expect(read({ VEEAM_STATE_URL: url }).config.backend).toEqual({ kind: 'redis', url });
    }
  });

  it('names what is wrong without echoing the value (it may hold a password)', () => {
    for (const bad of ['http://u:hunter2@redis/0', 'file://host/hunter2', 'hunter2']) {
      const { problems } = read({ VEEAM_STATE_URL: bad });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain('VEEAM_STATE_URL');
      expect(problems[0]).not.toContain('hunter2');
    }
  });

  it('names the replica by hostname and pid unless told', () => {
    expect(read({}).config.instanceId).toMatch(new RegExp(`-${process.pid}$`));
    expect(read({ VEEAM_INSTANCE_ID: 'veeam-a' }).config.instanceId).toBe('veeam-a');
    expect(read({ VEEAM_INSTANCE_ID: 'no spaces please' }).problems).toHaveLength(1);
  });
});
