// One body of tests every StateStore must pass: run against the file (file-store-contract.test.ts) and a real
// Redis (redis-store-contract.test.ts).

import { expect, it } from 'vitest';
import type { StateStore } from '../../src/state/state-store.js';

export interface ContractBackend {
  /** A fresh store on the backend's shared storage (a second replica, or the next process), not loaded yet. */
  open(): StateStore;
  /** Lets `ms` pass for claims: the file store's injected clock, Redis' own expiry. */
  pass(ms: number): Promise<void>;
}

export function storeContract(backend: () => ContractBackend): void {
  const opened: StateStore[] = [];
  const open = async () => {
    const store = backend().open();
    opened.push(store);
    await store.load();
    return store;
  };
  const closeAll = async () => {
    for (const store of opened.splice(0)) await store.close();
  };

  it('starts empty, keeps sections written and flushed for the next process', async () => {
    const store = await open();
    expect(store.read('monitor')).toBeUndefined();
    const writes: boolean[] = [];
    store.onWrite = (ok) => writes.push(ok);
    store.write('monitor', { version: 1, lastPollMs: 1 });
    store.write('monitor', { version: 1, lastPollMs: 2 });
    store.write('watches', { version: 1, watches: [{ key: 'k' }] });
    expect(await store.flush()).toBe(true);
    expect(writes).toEqual([true]);
    expect(await store.flush()).toBe(true);
    const next = await open();
    expect(next.read('monitor')).toEqual({ version: 1, lastPollMs: 2 });
    expect(next.read('watches')).toEqual({ version: 1, watches: [{ key: 'k' }] });
    await closeAll();
  });

  it("drops a section its owner cannot restore, and starts with the owner's fallback", async () => {
    const store = await open();
    store.write('monitor', { version: 1, lastPollMs: 'not a number' });
    store.write('watches', { version: 1, watches: [] });
    await store.flush();
    const next = await open();
    const restored = next.restore(
      'monitor',
      () => {
        throw new Error('lastPollMs is not a number');
      },
      'fallback',
    );
    expect(restored).toBe('fallback');
    expect(next.read('monitor')).toBeUndefined();
    await next.flush();
    const third = await open();
    expect(third.read('monitor')).toBeUndefined();
    expect(third.read('watches')).toEqual({ version: 1, watches: [] });
    await closeAll();
  });

  it('gives a claim to one asker until it is released or expires', async () => {
    const store = await open();
    expect(await store.claim('repeat:start:job-1', 10_000, 'U1')).toBe(true);
    expect(await store.claim('repeat:start:job-1', 10_000, 'U2')).toBe(false);
    expect(await store.holder('repeat:start:job-1')).toBe('U1');
    await store.release('repeat:start:job-1', 'U2');
    expect(await store.holder('repeat:start:job-1')).toBe('U1');
    await store.release('repeat:start:job-1', 'U1');
    expect(await store.holder('repeat:start:job-1')).toBeUndefined();
    expect(await store.claim('repeat:start:job-1', 50, 'U2')).toBe(true);
    await store.release('repeat:start:job-1');
    expect(await store.claim('lock:job-1', 50)).toBe(true);
    await backend().pass(60);
    expect(await store.claim('lock:job-1', 50)).toBe(true);
    await closeAll();
  });

  it('keeps approvals and changes one only from the state it was read in', async () => {
    const store = await open();
    const pending = { id: 'apr-1', status: 'pending', target: { kind: 'job', jobId: 'j' } };
    await store.putApproval('apr-1', pending);
    expect(await store.getApproval('apr-1')).toEqual(pending);
    expect(await store.getApproval('apr-2')).toBeUndefined();
    const approved = { ...pending, status: 'approved' };
    expect(await store.swapApproval('apr-1', pending, approved)).toBe(true);
    // A second decision read the pending request before the first landed: refused.
    expect(await store.swapApproval('apr-1', pending, { ...pending, status: 'denied' })).toBe(false);
    expect(await store.swapApproval('apr-9', pending, approved)).toBe(false);
    expect(await store.listApprovals()).toEqual([approved]);
    await store.flush();
    const next = await open();
    expect(await next.getApproval('apr-1')).toEqual(approved);
    await next.deleteApproval('apr-1');
    expect(await next.listApprovals()).toEqual([]);
    await closeAll();
  });

  it('hands off watches once each, oldest first', async () => {
    const store = await open();
    await store.handOffWatch({ taskId: 'task-1' });
    await store.handOffWatch({ taskId: 'task-2' });
    expect(await store.takeHandedOffWatches()).toEqual([{ taskId: 'task-1' }, { taskId: 'task-2' }]);
    expect(await store.takeHandedOffWatches()).toEqual([]);
    expect(store.available()).toBe(true);
    await closeAll();
  });
}
