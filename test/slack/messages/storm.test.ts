import { describe, expect, it } from 'vitest';
import { MAX_STORM_REASON_CHARS } from '../../../src/notify/failure-storm.js';
import type { Storm, StormJob } from '../../../src/notify/monitor-state.js';
import { stormSummaryMessage } from '../../../src/slack/messages/storm.js';
import { messageText } from '../../../src/slack-standin/slack-user.js';
import { injected, slackLimitProblems } from './slack-limits.js';

function storm(jobs: StormJob[]): Storm {
  return {
    channel: 'C1',
    ts: '1.000001',
    openedAtMs: Date.parse('2026-01-10T02:30:00Z'),
    since: '2026-01-10T02:03:04Z',
    jobs: Object.fromEntries(jobs.map((job, i) => [`job-${i}`, job])),
  };
}

function job(i: number, overrides: Partial<StormJob> = {}): StormJob {
  return {
    jobName: `Branch Office ${i}`,
    jobType: 'AgentBackup',
    result: 'Failed',
    reason: 'Repository offline',
    resolved: false,
    ...overrides,
  };
}

function sectionTexts(message: ReturnType<typeof stormSummaryMessage>): string[] {
  return message.blocks.map((b) => (b.type === 'section' ? (b.text?.text ?? '') : ''));
}

describe('stormSummaryMessage', () => {
  it('says how many jobs failed since when, lists them under their reason, and pages the mention once', () => {
    const message = stormSummaryMessage(storm([job(1), job(2)]), 'SONCALL1');
    const text = messageText(message);
    expect(text).toContain('2 jobs failed');
    expect(text).toContain('since 2026-01-10 02:03:04 UTC');
    expect(text).toContain('none resolved yet');
    expect(text).toContain(':red_circle: *Repository offline*: 2 jobs\nBranch Office 1, Branch Office 2');
    expect(message.text.match(/<!subteam\^SONCALL1>/g)).toHaveLength(1);
  });

  it('groups jobs by reason, the biggest open group first', () => {
    const jobs = [
      job(1, { reason: 'Snapshot failed' }),
      job(2),
      job(3),
      job(4, { reason: 'Snapshot failed', resolved: true }),
      job(5),
      job(6, { reason: 'Host unreachable', resolved: true }),
    ];
    const text = messageText(stormSummaryMessage(storm(jobs)));
    expect(text).toContain('*Repository offline*: 3 jobs\nBranch Office 2, Branch Office 3, Branch Office 5');
    expect(text).toContain(
      '*Snapshot failed*: 2 jobs (1 resolved)\nBranch Office 1, ~Branch Office 4~ (resolved)',
    );
    expect(text).toContain(':white_check_mark: *Host unreachable*: 1 job (1 resolved)');
    expect(text.indexOf('Repository offline')).toBeLessThan(text.indexOf('Snapshot failed'));
    expect(text.indexOf('Snapshot failed')).toBeLessThan(text.indexOf('Host unreachable'));
  });

  it('counts resolved jobs, lists open ones first, and says "all resolved" at the end', () => {
    const partly = messageText(stormSummaryMessage(storm([job(1, { resolved: true }), job(2), job(3)])));
    expect(partly).toContain('3 jobs failed');
    expect(partly).toContain('1 resolved so far');
    expect(partly.indexOf('Branch Office 2')).toBeLessThan(partly.indexOf('Branch Office 1'));
    const all = stormSummaryMessage(storm([job(1, { resolved: true }), job(2, { resolved: true })]));
    expect(messageText(all)).toContain('all resolved');
    expect(messageText(all)).toContain(':white_check_mark:');
  });

  it('does not page for warnings alone, and names a mix of failures and warnings', () => {
    const warnings = stormSummaryMessage(
      storm([job(1, { result: 'Warning' }), job(2, { result: 'Warning' })]),
      'U1',
    );
    expect(messageText(warnings)).toContain('2 jobs finished with warnings');
    expect(warnings.text).not.toContain('<@U1>');
    const mixed = stormSummaryMessage(storm([job(1), job(2, { result: 'Warning' })]), 'U1');
    expect(messageText(mixed)).toContain('2 jobs had problems (1 failed, 1 with warnings)');
    expect(mixed.text).toContain('<@U1>');
  });

  it('stays well inside Slack limits for hundreds of jobs with long, escaped names and reasons', () => {
    const jobs = Array.from({ length: 300 }, (_, i) =>
      job(i, { jobName: `${'&<>'.repeat(40)} ${i}`, reason: '&'.repeat(MAX_STORM_REASON_CHARS) }),
    );
    const message = stormSummaryMessage(storm(jobs), 'SONCALL1');
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    for (const text of sectionTexts(message)) expect(text.length).toBeLessThan(3_000);
    expect(messageText(message)).toContain('*: 300 jobs');
    expect(messageText(message)).toContain('…and 285 more');
    expect(messageText(message)).not.toContain('<>');
  });

  it('lists ten reasons at most and counts the rest, inside Slack limits', () => {
    const jobs = Array.from({ length: 300 }, (_, i) =>
      job(i, { jobName: `${'&'.repeat(100)} ${i}`, reason: `${'<'.repeat(200)} ${i}` }),
    );
    const message = stormSummaryMessage(storm(jobs));
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    for (const text of sectionTexts(message)) expect(text.length).toBeLessThan(3_000);
    expect(messageText(message)).toContain('…and 290 more reasons (290 jobs).');
    expect(messageText(message)).not.toContain('<');
  });

  it('escapes job names and reasons', () => {
    const text = messageText(
      stormSummaryMessage(storm([job(1, { jobName: '<!channel>', reason: 'a & b' })])),
    );
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('a &amp; b');
  });

  it('escapes before it cuts: names, reasons, results and a garbled time stay within limits, unbroken', () => {
    const jobs = Array.from({ length: 40 }, (_, i) =>
      job(i, {
        jobName: `${'&'.repeat(200)} <!channel> ${i}`,
        result: '<!here>'.repeat(20),
        reason: '<'.repeat(MAX_STORM_REASON_CHARS),
      }),
    );
    const message = stormSummaryMessage({ ...storm(jobs), since: '<!everyone>'.repeat(20) }, 'SONCALL1');
    expect(slackLimitProblems(message)).toEqual([]);
    expect(injected(message, ['<!subteam^SONCALL1>'])).toEqual([]);
  });
});
