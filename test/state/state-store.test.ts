import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../src/log/logger.js';
import { StateStore } from '../../src/state/state-store.js';

let dir: string;
let path: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'state-test-'));
  path = join(dir, 'state.json');
});

afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function saved(): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

describe('StateStore.flush', () => {
  it('never writes through a symlink planted at the old predictable temp path', () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, `${path}.tmp-${process.pid}`);
    const store = new StateStore(path, createMemoryLogger('debug'));
    store.load();
    store.write('monitor', { version: 1, lastPollMs: 1 });
    store.flush();
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(path).isFile()).toBe(true);
    expect(saved()).toEqual({ version: 1, monitor: { version: 1, lastPollMs: 1 } });
  });

  it('leaves only the state file behind, readable by its owner alone', () => {
    const store = new StateStore(path, createMemoryLogger('debug'));
    store.write('watches', { version: 1, watches: [] });
    store.flush();
    store.write('watches', { version: 1, watches: [{ key: 'k' }] });
    store.flush();
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
    expect(saved()).toEqual({ version: 1, watches: { version: 1, watches: [{ key: 'k' }] } });
  });

  it('logs and removes its temp file when the rename fails (the state path is a directory)', () => {
    const logger = createMemoryLogger('debug');
    mkdirSync(join(path, 'occupied'), { recursive: true });
    const store = new StateStore(path, logger);
    store.write('monitor', { version: 1 });
    store.flush();
    expect(logger.lines.some((l) => String(l.msg).startsWith('could not save the state file'))).toBe(true);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});
