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
import { FileStateStore } from '../../src/state/file-state-store.js';

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

describe('FileStateStore.flush', () => {
  it('never writes through a symlink planted at the old predictable temp path', () => {
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious');
    symlinkSync(victim, `${path}.tmp-${process.pid}`);
    const store = new FileStateStore(path, createMemoryLogger('debug'));
    store.loadNow();
    store.write('monitor', { version: 1, lastPollMs: 1 });
    store.flushNow();
    expect(readFileSync(victim, 'utf8')).toBe('precious');
    expect(lstatSync(path).isFile()).toBe(true);
    expect(saved()).toEqual({ version: 1, monitor: { version: 1, lastPollMs: 1 } });
  });

  it('leaves only the state file behind, readable by its owner alone', () => {
    const store = new FileStateStore(path, createMemoryLogger('debug'));
    store.write('watches', { version: 1, watches: [] });
    store.flushNow();
    store.write('watches', { version: 1, watches: [{ key: 'k' }] });
    store.flushNow();
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(lstatSync(path).mode & 0o777).toBe(0o600);
    expect(saved()).toEqual({ version: 1, watches: { version: 1, watches: [{ key: 'k' }] } });
  });

  it('logs and removes its temp file when the rename fails (the state path is a directory)', () => {
    const logger = createMemoryLogger('debug');
    mkdirSync(join(path, 'occupied'), { recursive: true });
    const store = new FileStateStore(path, logger);
    store.write('monitor', { version: 1 });
    store.flushNow();
    expect(logger.lines.some((l) => String(l.msg).startsWith('could not save the state file'))).toBe(true);
    expect(readdirSync(dir)).toEqual(['state.json']);
  });
});

function files(): string[] {
  return readdirSync(dir).sort();
}

function storeOn(text: string) {
  writeFileSync(path, text, { mode: 0o600 });
  const logger = createMemoryLogger('debug');
  const store = new FileStateStore(path, logger);
  return { store, logger };
}

describe('FileStateStore.load', () => {
  it('drops a section that is not an object, keeps the others, and keeps a copy of the file aside', () => {
    const original = JSON.stringify({ version: 1, watches: 'oops', monitor: { version: 1, lastPollMs: 5 } });
    const { store, logger } = storeOn(original);
    store.loadNow();
    expect(store.read('watches')).toBeUndefined();
    expect(store.read('monitor')).toEqual({ version: 1, lastPollMs: 5 });
    // The file no longer holds the bad section; the copy holds the file as it was.
    expect(saved()).toEqual({ version: 1, monitor: { version: 1, lastPollMs: 5 } });
    const copy = files().find((f) => f.startsWith('state.json.unreadable-'));
    expect(readFileSync(join(dir, copy ?? 'missing'), 'utf8')).toBe(original);
    expect(logger.lines).toContainEqual(
      expect.objectContaining({ level: 'error', sections: ['watches'], error: 'not a JSON object' }),
    );
  });

  it.each([
    ['an array', '[1, 2]'],
    ['null', 'null'],
    ['another version', '{"version": 2}'],
    ['half a file', '{"version": 1, "watch'],
  ])('moves a file that is %s aside and starts empty', (_, text) => {
    const { store } = storeOn(text);
    expect(() => store.loadNow()).not.toThrow();
    expect(store.read('watches')).toBeUndefined();
    expect(files()).toEqual([expect.stringMatching(/^state\.json\.corrupt-\d+$/)]);
  });

  it('starts empty, without throwing, when the state path cannot be read', () => {
    mkdirSync(path);
    const store = new FileStateStore(path, createMemoryLogger('debug'));
    expect(() => store.loadNow()).not.toThrow();
    expect(store.read('monitor')).toBeUndefined();
  });
});

describe('FileStateStore.restore', () => {
  it("gives the owner's reading of its section", () => {
    const { store } = storeOn(JSON.stringify({ version: 1, monitor: { n: 2 } }));
    store.loadNow();
    expect(store.restore('monitor', (saved) => (saved as { n: number }).n * 2, 0)).toBe(4);
  });

  it('when the owner throws on its section: fallback, section dropped from the file, a copy kept aside', () => {
    const original = JSON.stringify({
      version: 1,
      watches: { version: 1, watches: [{ key: 'k', outbox: [null] }] },
      monitor: { version: 1, lastPollMs: 5 },
    });
    const { store, logger } = storeOn(original);
    store.loadNow();
    const restored = store.restore(
      'watches',
      (saved) =>
        (saved as { watches: { outbox: { id: number }[] }[] }).watches.map(
          (w) => (w.outbox[0] as { id: number }).id,
        ),
      [],
    );
    expect(restored).toEqual([]);
    expect(store.read('watches')).toBeUndefined();
    expect(saved()).toEqual({ version: 1, monitor: { version: 1, lastPollMs: 5 } });
    const copy = files().find((f) => f.startsWith('state.json.unreadable-'));
    expect(readFileSync(join(dir, copy ?? 'missing'), 'utf8')).toBe(original);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'error', sections: ['watches'] }));
  });
});
