import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { ApprovalBook } from '../../src/ops/approvals.js';

const request = {
  action: 'stop' as const,
  target: { kind: 'job' as const, jobId: 'a6deb158-b26c-4140-8b26-5a3cc344e8ec', jobName: 'Server Backup' },
  requestedBy: 'UOPER1',
  channel: 'COPS1',
};

let book: ApprovalBook | undefined;
afterEach(() => book?.close());

function setup() {
  const clock = new ManualClock();
  book = new ApprovalBook(clock, 15);
  return { clock, book };
}

describe('ApprovalBook', () => {
  it('lets another approver decide once; later clicks see the first decision', () => {
    const { book } = setup();
    const approval = book.create(request);
    expect(approval.status).toBe('pending');
    const first = book.decide(approval.id, 'UAPPR1', 'approve');
    expect(first.kind).toBe('decided');
    expect(approval).toMatchObject({ status: 'approved', decidedBy: 'UAPPR1' });
    expect(book.decide(approval.id, 'UAPPR2', 'deny')).toMatchObject({ kind: 'already' });
    expect(book.decide(approval.id, 'UAPPR1', 'approve')).toMatchObject({ kind: 'already' });
    expect(approval.status).toBe('approved');
  });

  it('refuses self-approval and keeps the request open for others', () => {
    const { book } = setup();
    const approval = book.create(request);
    expect(book.decide(approval.id, 'UOPER1', 'approve').kind).toBe('self');
    expect(approval.status).toBe('pending');
    expect(book.decide(approval.id, 'UAPPR1', 'deny').kind).toBe('decided');
    expect(approval.status).toBe('denied');
  });

  it('expires after the TTL on the injected clock', () => {
    const { clock, book } = setup();
    const approval = book.create(request);
    clock.advance(15 * 60_000 - 1);
    const early = book.create(request);
    expect(book.decide(early.id, 'UAPPR1', 'approve').kind).toBe('decided');
    clock.advance(1);
    expect(book.decide(approval.id, 'UAPPR1', 'approve').kind).toBe('expired');
    expect(approval.status).toBe('expired');
    expect(book.decide(approval.id, 'UAPPR2', 'approve').kind).toBe('expired');
  });

  it('does not know made-up IDs', () => {
    const { book } = setup();
    expect(book.decide('apr-nope', 'UAPPR1', 'approve')).toEqual({ kind: 'unknown' });
  });

  it('gives every request its own ID and remembers its message', () => {
    const { book } = setup();
    const a = book.create(request);
    const b = book.create(request);
    expect(a.id).not.toBe(b.id);
    book.attachMessage(a.id, '1700000000.000100');
    expect(book.get(a.id)?.messageTs).toBe('1700000000.000100');
  });
});
