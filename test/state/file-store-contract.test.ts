import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { FileStateStore } from '../../src/state/file-state-store.js';
import { type ContractBackend, storeContract } from './store-contract.js';

describe('the StateStore contract on the file store', () => {
  let dir: string;
  let backend: ContractBackend;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'file-contract-'));
    const clock = new ManualClock();
    backend = {
      open: () => new FileStateStore(join(dir, 'state.json'), createMemoryLogger('debug'), { clock }),
      pass: async (ms) => clock.advance(ms),
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  storeContract(() => backend);
});
