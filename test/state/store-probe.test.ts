import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeProbe } from '../../src/health/readiness-probes.js';

describe('the readiness probe of the store', () => {
  it('with Redis: ready while the connection is up, and says Redis when it is not', async () => {
    let up = true;
    const probe = storeProbe({ kind: 'redis', available: () => up }, 'unused.json');
    await expect(probe.check()).resolves.toBeUndefined();
    up = false;
    const error = await probe.check().catch((e: unknown) => e);
    expect(probe.explain(error)).toBe('the shared state store (Redis) is not reachable');
  });

  it('with the file: the directory must be writable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-probe-'));
    try {
      const probe = storeProbe({ kind: 'file', available: () => true }, join(dir, 'state.json'));
      await expect(probe.check()).resolves.toBeUndefined();
      const missing = storeProbe({ kind: 'file', available: () => true }, join(dir, 'gone', 'state.json'));
      expect(missing.explain(await missing.check().catch((e: unknown) => e))).toContain('not writable');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
