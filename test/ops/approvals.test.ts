import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { ApprovalBook } from '../../src/ops/approvals.js';
import { FileStateStore } from '../../src/state/file-state-store.js';

const request = {
  action: 'stop' as const,
  target: { kind: 'job' as const, jobId: 'a6deb158-b26c-4140-8b26-5a3cc344e8ec', jobName: 'Server Backup' },
  requestedBy: 'UOPER1',
  channel: 'COPS1',
};

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const clock = new ManualClock();
  const dir = mkdtempSync(join(tmpdir(), 'approvals-test-'));
  dirs.push(dir);
  const path = join(dir, 'state.json');
  const store = new FileStateStore(path, createMemoryLogger('debug'), { clock });
  const book = new ApprovalBook(clock, 15, store);
  return { clock, book, store, path };
}

describe('ApprovalBook', () => {
  it('lets another approver decide once; later clicks see the first decision', async () => {
    const { book } = setup();
    const approval = await book.create(request);
    expect(approval.status).toBe('pending');
    const first = await book.decide(approval.id, 'UAPPR1', 'approve');
    expect(first).toMatchObject({ kind: 'decided', approval: { status: 'approved', decidedBy: 'UAPPR1' } });
    expect(await book.decide(approval.id, 'UAPPR2', 'deny')).toMatchObject({ kind: 'already' });
    expect(await book.decide(approval.id, 'UAPPR1', 'approve')).toMatchObject({ kind: 'already' });
    expect((await book.get(approval.id))?.status).toBe('approved');
  });

  it('decides once when two approvers click at the same moment', async () => {
    const { book } = setup();
    const approval = await book.create(request);
    const results = await Promise.all([
      book.decide(approval.id, 'UAPPR1', 'approve'),
      book.decide(approval.id, 'UAPPR2', 'deny'),
    ]);
    expect(results.map((r) => r.kind).sort()).toEqual(['already', 'decided']);
  });

  it('refuses self-approval and keeps the request open for others', async () => {
    const { book } = setup();
    const approval = await book.create(request);
    expect((await book.decide(approval.id, 'UOPER1', 'approve')).kind).toBe('self');
    expect((await book.get(approval.id))?.status).toBe('pending');
    expect((await book.decide(approval.id, 'UAPPR1', 'deny')).kind).toBe('decided');
    expect((await book.get(approval.id))?.status).toBe('denied');
  });

  it('expires after the TTL on the injected clock', async () => {
    const { clock, book } = setup();
    const approval = await book.create(request);
    clock.advance(15 * 60_000 - 1);
    const early = await book.create(request);
    expect((await book.decide(early.id, 'UAPPR1', 'approve')).kind).toBe('decided');
    clock.advance(1);
    expect((await book.decide(approval.id, 'UAPPR1', 'approve')).kind).toBe('expired');
    expect((await book.get(approval.id))?.status).toBe('expired');
    expect((await book.decide(approval.id, 'UAPPR2', 'approve')).kind).toBe('expired');
  });

  it('marks each overdue request expired once, and forgets it a TTL later', async () => {
    const { clock, book } = setup();
    const approval = await book.create(request);
    expect(book.pendingCount()).toBe(1);
    clock.advance(15 * 60_000);
    expect((await book.expireDue()).map((a) => a.id)).toEqual([approval.id]);
    expect(await book.expireDue()).toEqual([]);
    expect(book.pendingCount()).toBe(0);
    clock.advance(15 * 60_000);
    await book.expireDue();
    expect(await book.get(approval.id)).toBeUndefined();
  });

  it('does not know made-up IDs', async () => {
    const { book } = setup();
    expect(await book.decide('apr-nope', 'UAPPR1', 'approve')).toEqual({ kind: 'unknown' });
  });

  it('gives every request its own ID and remembers its message', async () => {
    const { book } = setup();
    const a = await book.create(request);
    const b = await book.create(request);
    expect(a.id).not.toBe(b.id);
    await book.attachMessage(a.id, '1700000000.000100');
    expect((await book.get(a.id))?.messageTs).toBe('1700000000.000100');
  });

  it('saves a request in the state file at once, for the next process (even after a crash)', async () => {
    const { clock, book, path } = setup();
    const approval = await book.create(request);
    const next = new FileStateStore(path, createMemoryLogger('debug'), { clock });
    await next.load();
    const again = new ApprovalBook(clock, 15, next);
    expect(await again.decide(approval.id, 'UAPPR1', 'approve')).toMatchObject({ kind: 'decided' });
  });
});
