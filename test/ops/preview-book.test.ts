import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { isPreviewId, PREVIEW_TTL_MS, PreviewBook } from '../../src/ops/preview-book.js';
import { changesBetween } from '../../src/ops/target-state.js';

const target = {
  kind: 'job' as const,
  jobId: 'a6deb158-b26c-4140-8b26-5a3cc344e8ec',
  jobName: 'Server Backup',
};
const request = { action: 'start' as const, target, user: 'UOPER1', channel: 'COPS1', mark: {} };

describe('PreviewBook', () => {
  it('gives each preview a random ID, taken once and by its asker only', () => {
    const book = new PreviewBook(new ManualClock());
    const preview = book.create(request);
    expect(isPreviewId(preview.id)).toBe(true);
    expect(book.create(request).id).not.toBe(preview.id);
    expect(book.take(preview.id, 'UOPER2').kind).toBe('not-yours');
    expect(book.take(preview.id, 'UOPER1').kind).toBe('taken');
    expect(book.take(preview.id, 'UOPER1').kind).toBe('unknown');
  });

  it('refuses a preview after its 2 minutes, by the injected clock', () => {
    const clock = new ManualClock();
    const book = new PreviewBook(clock);
    const preview = book.create(request);
    expect(book.openOn(target)).toHaveLength(1);
    clock.advance(PREVIEW_TTL_MS);
    expect(book.take(preview.id, 'UOPER1').kind).toBe('expired');
    expect(book.openOn(target)).toHaveLength(0);
  });

  it('refuses values that are not preview IDs', () => {
    for (const value of ['', 'pvw-', 'pvw-0123456789ABCDEF', 'pvw-0123456789abcdef0', 'start:x']) {
      expect(isPreviewId(value)).toBe(false);
    }
  });
});

describe('changesBetween', () => {
  const idle = { scheduleEnabled: true, lastSession: 's1', sessionsUnknown: false };
  it('names what an operator would decide differently on, and ignores nothing-changed', () => {
    expect(changesBetween(idle, idle)).toEqual([]);
    expect(changesBetween(idle, { ...idle, runningSession: 's2' })).toEqual(['started']);
    expect(changesBetween({ ...idle, runningSession: 's2' }, idle)).toEqual(['stopped']);
    expect(changesBetween(idle, { ...idle, scheduleEnabled: false })).toEqual(['schedule-disabled']);
    expect(changesBetween(idle, { ...idle, lastSession: 's3' })).toEqual(['new-result']);
    expect(changesBetween({ sessionState: 'Working' }, { sessionState: 'Stopped' })).toEqual([
      'session-ended',
    ]);
  });

  it('compares only the schedule when a read could not give the sessions', () => {
    expect(changesBetween(idle, { scheduleEnabled: true, sessionsUnknown: true })).toEqual([]);
  });
});
