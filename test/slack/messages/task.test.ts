import { describe, expect, it } from 'vitest';
import {
  taskCancelledNotice,
  taskParentMessage,
  taskRunningMessage,
  watchReplyMessage,
} from '../../../src/slack/messages/task.js';
import { checkBlocks } from '../../../src/slack-standin/block-kit-rules.js';
import type { WatchSpec } from '../../../src/watch/types.js';
import type { FailedObjects, WatchReport } from '../../../src/watch/watch-report.js';

const spec: WatchSpec = {
  taskId: 'task-7',
  action: 'start',
  target: { kind: 'job', jobId: 'a6deb158-b26c-4140-8b26-5a3cc344e8ec', jobName: 'Server Backup' },
  channel: 'COPS1',
  threadTs: '1700000000.000100',
  parentTs: '1700000000.000100',
  requestedBy: 'UOPER1',
  approvedBy: 'UAPPR1',
  requestedAt: Date.parse('2026-01-01T00:00:00Z'),
};

function allText(message: { text: string; blocks: unknown[] }): string {
  return `${message.text}\n${JSON.stringify(message.blocks)}`;
}

describe('watch reply messages', () => {
  it("a failed Task shows ❌, EM's message verbatim, the duration and who asked and approved", () => {
    const report: WatchReport = {
      kind: 'task',
      success: false,
      emMessage: 'Job "Server Backup" is already running.',
      durationMs: 72_000,
    };
    const m = watchReplyMessage(spec, report);
    expect(m.text).toContain('❌');
    expect(m.text).toContain('Start *Server Backup*');
    expect(m.text).toContain('EM: "Job "Server Backup" is already running."');
    expect(m.text).toContain('1 min 12 s');
    expect(m.text).toContain('<@UOPER1>');
    expect(m.text).toContain('approved by <@UAPPR1>');
  });

  it('a delivered start says it was only triggered and that the session result follows', () => {
    const m = watchReplyMessage(spec, {
      kind: 'task',
      success: true,
      emMessage: 'Job "Server Backup" triggered to start.',
      durationMs: 1_500,
      followUp: 'backup-session',
    });
    expect(m.text).toContain('✅');
    expect(m.text).toContain('triggered to start');
    expect(m.text).toMatch(/following the backup session/);
    const parent = taskParentMessage(spec, {
      kind: 'task',
      success: true,
      emMessage: 'x',
      durationMs: 1_500,
      followUp: 'backup-session',
    });
    expect(parent.text).toContain('⏳');
  });

  it("a Failed session shows ❌, the result and EM's FailureMessage; Warning shows ⚠️", () => {
    const failed = watchReplyMessage(spec, {
      kind: 'session',
      resolved: false,
      session: {
        id: 's1',
        name: 'Server Backup@2026-01-01 00:00:05',
        state: 'Stopped',
        result: 'Failed',
        failureMessage: 'Disk <C:> is full & gone',
        durationMs: 65_000,
      },
    });
    expect(failed.text).toContain('❌');
    expect(failed.text).toContain('*Failed*');
    expect(failed.text).toContain('Disk &lt;C:&gt; is full &amp; gone');
    expect(failed.text).toContain('1 min 5 s');
    const warning = watchReplyMessage(spec, {
      kind: 'session',
      resolved: false,
      session: {
        id: 's1',
        name: 'n',
        state: 'Stopped',
        result: 'Warning',
        failureMessage: 'Slow',
        durationMs: 1_000,
      },
    });
    expect(warning.text).toContain('⚠️');
  });

  it('a schedule read back different from the wanted state is said clearly', () => {
    const enable = { ...spec, action: 'enable' as const, wantedScheduleEnabled: true };
    const mismatch = watchReplyMessage(enable, {
      kind: 'schedule',
      taskSuccess: true,
      emMessage: 'Ok',
      durationMs: 2_000,
      readBack: { scheduleEnabled: false },
      resolved: false,
    });
    expect(mismatch.text).toContain('⚠️');
    expect(mismatch.text).toContain('*disabled*, NOT *enabled* as wanted');
    const ok = watchReplyMessage(enable, {
      kind: 'schedule',
      taskSuccess: true,
      emMessage: 'Ok',
      durationMs: 2_000,
      readBack: { scheduleEnabled: true },
      resolved: false,
    });
    expect(ok.text).toContain('✅');
    expect(ok.text).toContain('reads back as *enabled*');
  });

  it('a result resolved from the target says EM no longer knew the Task', () => {
    const m = watchReplyMessage(spec, {
      kind: 'session',
      resolved: true,
      session: { id: 's1', name: 'n', state: 'Stopped', result: 'Success', durationMs: 1_000 },
    });
    expect(m.text).toContain('EM no longer knew task task-7');
  });

  it('unknown and timeout results tell how to look it up', () => {
    const unknown = watchReplyMessage(spec, { kind: 'unknown', reason: 'the job could not be found.' });
    expect(unknown.text).toContain('`/veeam job Server Backup`');
    expect(unknown.text).toContain('`/veeam task task-7`');
    const timeout = watchReplyMessage(spec, {
      kind: 'timeout',
      minutes: 60,
      waitingFor: 'task',
      lastState: 'Running',
    });
    expect(timeout.text).toContain('stopped watching after 60 min');
    expect(timeout.text).toContain('`/veeam task task-7`');
  });

  it('the parent outcome has no buttons and a readable text', () => {
    const running = taskRunningMessage(spec);
    expect(JSON.stringify(running.blocks)).toContain('task_cancel');
    const done = taskParentMessage(spec, {
      kind: 'session',
      resolved: false,
      session: { id: 's1', name: 'n', state: 'Stopped', result: 'Success', durationMs: 3_000 },
    });
    expect(allText(done)).not.toContain('task_cancel');
    expect(done.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(done.text).toContain('✅ Start *Server Backup*: backup *Success*');
  });

  it('the cancel notice names who cancelled', () => {
    expect(taskCancelledNotice(spec, 'UOPER2').text).toContain('<@UOPER2> cancelled EM task task-7');
  });
});

describe('why a watched run failed (task sessions)', () => {
  const failedRun = (failedObjects: FailedObjects): WatchReport => ({
    kind: 'session',
    resolved: false,
    session: {
      id: 's1',
      name: 'Fileserver Backup@2026-01-01 00:00:00',
      kind: 'backup',
      jobType: 'Backup',
      state: 'Stopped',
      result: 'Failed',
      durationMs: 60_000,
      failedObjects,
    },
  });
  const objects = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      objectName: `vm-${i + 1}`,
      result: i === 0 ? ('Warning' as const) : ('Failed' as const),
      reason: `Error ${i + 1}: <!channel> & more`,
    }));

  it('lists each failed object with its reason, the first five, then "and N more"', () => {
    const m = watchReplyMessage(spec, failedRun({ items: objects(7), total: 12 }));
    expect(m.text).toContain('❌ Start *Server Backup*: backup session');
    expect(m.text).toContain('• *vm-1* (warning): Error 1: &lt;!channel&gt; &amp; more');
    expect(m.text).toContain('• *vm-5*: Error 5:');
    expect(m.text).not.toContain('vm-6');
    expect(m.text).toContain('and 7 more');
    expect(m.blocks).toHaveLength(3);
    expect(checkBlocks(m.blocks, 50, 'blocks')).toEqual([]);
    const parent = taskParentMessage(spec, failedRun({ items: objects(7), total: 12 }));
    expect(parent.text).toContain('backup *Failed*, ran 1 min. 12 objects with problems; see the thread.');
  });

  it('shortens long reasons and names after escaping, within Slack limits', () => {
    const long = [
      { objectName: `<${'n'.repeat(400)}>`, result: 'Failed' as const, reason: '&'.repeat(3_000) },
    ];
    const m = watchReplyMessage(
      spec,
      failedRun({ items: [...long, ...long, ...long, ...long, ...long], total: 5 }),
    );
    const details = (m.blocks[1] as { text: { text: string } }).text.text;
    expect(details).not.toMatch(/&[a-z]*…/);
    expect(details.length).toBeLessThan(3_000);
    expect(m.text.length).toBeLessThanOrEqual(4_000);
    expect(checkBlocks(m.blocks, 50, 'blocks')).toEqual([]);
  });

  it('says when the reasons could not be read, and names replication and backup copy sessions', () => {
    const m = watchReplyMessage(spec, failedRun({ unreadable: true }));
    expect(m.text).toContain('*Failed*');
    expect(m.text).toContain('could not be read from EM');
    const replica = watchReplyMessage(
      { ...spec, target: { kind: 'job', jobId: 'j', jobName: 'ERP', jobKind: 'replica' } },
      {
        kind: 'session',
        resolved: false,
        session: { id: 's', name: 'ERP@x', kind: 'replica', state: 'Stopped', result: 'Success' },
      },
    );
    expect(replica.text).toContain('replication session *ERP@x* ended: *Success*');
    const copy = watchReplyMessage(spec, {
      kind: 'task',
      success: true,
      emMessage: 'Job "Offsite Copy" triggered to sync.',
      durationMs: 1_000,
      followUp: 'backup-session',
    });
    expect(copy.text).toContain('following the backup session now');
    const copyTarget = {
      ...spec,
      target: { kind: 'job' as const, jobId: 'j', jobName: 'Copy', jobKind: 'backup-copy' as const },
    };
    expect(
      watchReplyMessage(copyTarget, {
        kind: 'task',
        success: true,
        emMessage: '',
        durationMs: 1,
        followUp: 'backup-session',
      }).text,
    ).toContain('following the backup copy session now');
  });
});
