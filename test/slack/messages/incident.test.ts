import { describe, expect, it } from 'vitest';
import type { IncidentCard, SessionRecord } from '../../../src/notify/monitor-state.js';
import { ACTION_IDS } from '../../../src/slack/action-ids.js';
import {
  emBackMessage,
  emDownMessage,
  incidentFollowUp,
  incidentMessage,
  longRunningEndedMessage,
  longRunningMessage,
  resolvedMessage,
  resolvedReply,
} from '../../../src/slack/messages/incident.js';
import { findButton, messageText } from '../../../src/slack-standin/slack-user.js';
import { injected, slackLimitProblems } from './slack-limits.js';

const JOB_ID = '7b9e4d21-5c3a-4f8e-9d10-2a6b8c4e1f37';
const SESSION_ID = '11111111-2222-4333-8444-555555555555';

function failedSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return {
    id: SESSION_ID,
    jobId: JOB_ID,
    jobName: 'Linux Web Servers',
    jobType: 'AgentBackup',
    result: 'Failed',
    failureMessage: 'Error: Agent failed to process method {Backup.Disk}: The network path was not found.',
    creationTime: '2026-01-01T10:00:00Z',
    endTime: '2026-01-01T10:12:30Z',
    ...overrides,
  };
}

function card(overrides: Partial<IncidentCard> = {}): IncidentCard {
  const latest = failedSession();
  return {
    jobId: JOB_ID,
    jobName: latest.jobName,
    jobType: latest.jobType,
    failures: 1,
    warnings: 0,
    openedAt: latest.endTime as string,
    latest,
    ...overrides,
  };
}

function actionsOf(post: { blocks: unknown[] }): unknown[] {
  return post.blocks.filter((b) => (b as { type: string }).type === 'actions');
}

describe('incidentMessage', () => {
  it('shows job, result, EM reason, start, end, duration, the mention and three job buttons', () => {
    const post = incidentMessage(card(), 'SONCALL1');
    const text = messageText(post);
    expect(text).toContain('Backup failed');
    expect(text).toContain('Linux Web Servers');
    expect(text).toContain('Failed');
    expect(text).toContain('The network path was not found.');
    expect(text).toContain('2026-01-01 10:00:00 UTC');
    expect(text).toContain('2026-01-01 10:12:30 UTC');
    expect(text).toContain('12 min 30 s');
    expect(post.text).toContain('<!subteam^SONCALL1>');
    expect(findButton(post, ACTION_IDS.jobRetry)?.value).toBe(JOB_ID);
    expect(findButton(post, ACTION_IDS.jobDetails)?.value).toBe(JOB_ID);
    expect(findButton(post, ACTION_IDS.jobDisable)?.value).toBe(JOB_ID);
  });

  it('asks for confirmation before every button that changes something', () => {
    const [actions] = actionsOf(incidentMessage(card())) as Array<{
      elements: Array<Record<string, unknown>>;
    }>;
    const byId = Object.fromEntries((actions?.elements ?? []).map((e) => [e.action_id, e]));
    expect(byId[ACTION_IDS.jobDisable]?.confirm).toBeDefined();
    expect(byId[ACTION_IDS.jobRetry]?.confirm).toBeDefined();
    expect(byId[ACTION_IDS.jobDetails]?.confirm).toBeUndefined();
  });

  it('mentions nobody for a warnings-only incident', () => {
    const latest = failedSession({ result: 'Warning', failureMessage: 'Low free space on repository' });
    const post = incidentMessage(card({ failures: 0, warnings: 1, latest }), 'UONCALL1');
    expect(messageText(post)).toContain('warnings');
    expect(messageText(post)).not.toContain('<@UONCALL1>');
  });

  it('shows the tally once a job failed more than once', () => {
    const post = incidentMessage(card({ failures: 3 }));
    expect(messageText(post)).toContain('failed 3 times since 2026-01-01 10:12:30 UTC');
    expect(messageText(incidentMessage(card()))).not.toContain('since');
  });

  it('gives every job kind the same buttons with the bare job GUID, and names its kind', () => {
    const kinds = [
      ['Backup', 'VM backup job', 'Backup failed'],
      ['Replica', 'Replication job', 'Replication failed'],
      ['BackupCopy', 'Backup copy job', 'Backup failed'],
      ['ImmediateBackupCopy', 'Backup copy job (immediate)', 'Backup failed'],
      ['NasBackup', 'File share backup job', 'Backup failed'],
      ['SureBackup', 'Job (SureBackup)', 'Backup failed'],
    ] as const;
    for (const [jobType, label, headline] of kinds) {
      const latest = failedSession({ jobType, jobName: 'Fileserver Backup' });
      const post = incidentMessage(
        card({ jobType, jobName: 'Fileserver Backup', latest, retryOffered: true }),
      );
      expect(messageText(post)).toContain(`*Kind*\n${label}`);
      expect(messageText(post)).toContain(headline);
      for (const actionId of [ACTION_IDS.jobRetry, ACTION_IDS.jobDetails, ACTION_IDS.jobDisable]) {
        expect(findButton(post, actionId)?.value, `${jobType} ${actionId}`).toBe(JOB_ID);
      }
    }
  });

  it('offers Retry only when EM offered it on the job, and says so', () => {
    const post = incidentMessage(card({ retryOffered: false }));
    expect(findButton(post, ACTION_IDS.jobRetry)).toBeUndefined();
    expect(findButton(post, ACTION_IDS.jobDetails)?.value).toBe(JOB_ID);
    expect(findButton(post, ACTION_IDS.jobDisable)?.value).toBe(JOB_ID);
    expect(messageText(post)).toContain('EM offers no retry of this job right now');
    // A card saved before every job kind has no flag: it was an agent card, which always had Retry.
    expect(findButton(incidentMessage(card({ retryOffered: undefined })), ACTION_IDS.jobRetry)).toBeDefined();
  });

  it('says EM gave no reason rather than showing an empty one', () => {
    const post = incidentMessage(card({ latest: failedSession({ failureMessage: undefined }) }));
    expect(messageText(post)).toContain('EM gave no failure message.');
  });

  it('keeps very long EM messages within Slack limits', () => {
    const post = incidentMessage(card({ latest: failedSession({ failureMessage: 'x'.repeat(10_000) }) }));
    for (const block of post.blocks) expect(JSON.stringify(block).length).toBeLessThan(3_000);
  });
});

describe('reasons from task sessions (EM left FailureMessage empty)', () => {
  function objects(n: number, reason = (i: number) => `Reason ${i}`): SessionRecord['taskReasons'] {
    return {
      read: true,
      total: n,
      objects: Array.from({ length: Math.min(n, 5) }, (_, i) => ({
        objectName: `vm-${i}`,
        result: 'Failed',
        reason: reason(i),
      })),
    };
  }

  it("shows each failed object's name and reason, the first five, then how many more", () => {
    const latest = failedSession({ failureMessage: undefined, taskReasons: objects(8) });
    const post = incidentMessage(card({ latest }));
    const text = messageText(post);
    for (let i = 0; i < 5; i++) expect(text).toContain(`• *vm-${i}* (Failed): Reason ${i}`);
    expect(text).toContain('…and 3 more');
    expect(text).not.toContain('EM gave no failure message');
    expect(post.text).toContain('vm-0: Reason 0 (and 7 more)');
  });

  it('escapes before it shortens a long reason, and stays inside Slack limits', () => {
    const latest = failedSession({
      failureMessage: undefined,
      taskReasons: objects(5, () => `<!channel> & ${'x'.repeat(5_000)}`),
    });
    const post = incidentMessage(card({ latest }));
    const text = messageText(post);
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt; &amp; xxx');
    expect(text).not.toMatch(/&[a-z]*…/);
    for (const block of post.blocks) expect(JSON.stringify(block).length).toBeLessThan(3_000);
    expect(post.text.length).toBeLessThanOrEqual(4_000);
    // The mention comes before EM's reason in the text fallback, so no cut of the reason can take it away.
    const withMention = incidentMessage(card({ latest }), 'SONCALL1').text;
    expect(withMention.indexOf('<!subteam^SONCALL1>')).toBeLessThan(withMention.indexOf('&lt;!channel&gt;'));
  });

  it('says when the reason could not be read, and when no object failed', () => {
    const unreadable = failedSession({ failureMessage: undefined, taskReasons: { read: false } });
    expect(messageText(incidentMessage(card({ latest: unreadable })))).toContain(
      'The reason could not be read',
    );
    const none = failedSession({
      failureMessage: undefined,
      taskReasons: { read: true, objects: [], total: 0 },
    });
    expect(messageText(incidentMessage(card({ latest: none })))).toContain('No object of this run failed');
  });

  it('follow-ups show the reasons of their own run', () => {
    const second = failedSession({ id: 'another', failureMessage: undefined, taskReasons: objects(1) });
    expect(messageText(incidentFollowUp(card({ failures: 2 }), second))).toContain(
      '*vm-0* (Failed): Reason 0',
    );
  });
});

describe('thread replies and resolution', () => {
  it('a follow-up failure names the tally and the new reason, without buttons', () => {
    const second = failedSession({ id: 'another', failureMessage: 'Disk full' });
    const post = incidentFollowUp(card({ failures: 2, latest: second }), second, 'UONCALL1');
    expect(messageText(post)).toContain('failed 2 times');
    expect(messageText(post)).toContain('Disk full');
    expect(actionsOf(post)).toHaveLength(0);
    expect(post.text).not.toContain('<@UONCALL1>');
  });

  it('a first failure after warnings pings the mention in the thread', () => {
    const post = incidentFollowUp(card({ failures: 1, warnings: 1 }), failedSession(), 'UONCALL1');
    expect(post.text).toContain('<@UONCALL1>');
  });

  it('resolution: reply says succeeded, top message says resolved and has no buttons', () => {
    const success = failedSession({
      id: 'ok',
      result: 'Success',
      failureMessage: undefined,
      endTime: '2026-01-01T12:00:00Z',
    });
    const reply = resolvedReply(card({ failures: 3 }), success);
    expect(messageText(reply)).toMatch(/succeeded/);
    expect(messageText(reply)).toContain('failed 3 times');
    const top = resolvedMessage(card({ failures: 3 }), success);
    expect(messageText(top)).toContain('Resolved');
    expect(messageText(top)).toContain('2026-01-01 12:00:00 UTC');
    expect(actionsOf(top)).toHaveLength(0);
  });
});

describe('long-running posts', () => {
  const running = failedSession({
    result: 'None',
    endTime: undefined,
    failureMessage: undefined,
    progress: 40,
  });
  const now = Date.parse('2026-01-01T12:30:00Z');

  it('agent sessions get a Stop job button carrying the job GUID, with a confirm dialog', () => {
    const post = longRunningMessage(running, now);
    expect(messageText(post)).toContain('still running after 2 h 30 min');
    expect(messageText(post)).toContain('40% done');
    expect(findButton(post, ACTION_IDS.jobStop)?.value).toBe(JOB_ID);
    expect(findButton(post, ACTION_IDS.sessionStop)).toBeUndefined();
    expect(JSON.stringify(post.blocks)).toContain('"confirm"');
  });

  it('every other kind (VM, replica, backup copy, file share) gets Stop session with the session GUID', () => {
    for (const jobType of ['Backup', 'Replica', 'BackupCopy', 'NasBackup']) {
      const sessionKind = jobType === 'Replica' ? 'replica' : 'backup';
      const post = longRunningMessage({ ...running, jobType, sessionKind }, now);
      expect(findButton(post, ACTION_IDS.sessionStop)?.value, jobType).toBe(SESSION_ID);
      expect(findButton(post, ACTION_IDS.jobStop)).toBeUndefined();
    }
    expect(JSON.stringify(longRunningMessage({ ...running, jobType: 'Replica' }, now).blocks)).toContain(
      'running replication',
    );
  });

  it('once ended, the post loses its Stop button', () => {
    const post = longRunningEndedMessage({ ...running, result: 'Success', endTime: '2026-01-01T13:00:00Z' });
    expect(messageText(post)).toContain('Success after 3 h 00 min');
    expect(actionsOf(post)).toHaveLength(0);
  });
});

describe('EM outage posts', () => {
  it('down names the error and how long; back says for how long', () => {
    const since = Date.parse('2026-01-01T10:00:00Z');
    const down = emDownMessage('Enterprise Manager is unreachable right now (connection failed).', since, 3);
    expect(messageText(down)).toContain('connection failed');
    expect(messageText(down)).toContain('3 polls in a row since 2026-01-01 10:00:00 UTC');
    const back = emBackMessage(since, since + 5 * 60_000);
    expect(messageText(back)).toContain('unreachable for 5 min 0 s');
  });
});

/** EM text at its worst: huge, full of Slack's control characters, mentions and links, and a garbled time. */
function hostileSession(overrides: Partial<SessionRecord> = {}): SessionRecord {
  return failedSession({
    jobName: `R&D <!channel> ${'<&>'.repeat(600)}`,
    result: `<!here>${'&'.repeat(100)}`,
    failureMessage: `<https://evil.example|click> ${'&'.repeat(3_000)} <@U0BOSS>`,
    creationTime: '<!everyone> not a time',
    endTime: `${'<'.repeat(500)}`,
    progress: 50,
    ...overrides,
  });
}

function hostileCard(overrides: Partial<IncidentCard> = {}): IncidentCard {
  const latest = hostileSession();
  return card({
    jobName: latest.jobName,
    latest,
    failures: 2,
    warnings: 1,
    openedAt: '<!channel>'.repeat(50),
    ...overrides,
  });
}

describe('EM text at its worst', () => {
  const success = hostileSession({ result: 'Success', failureMessage: undefined });
  const messages = {
    incident: incidentMessage(hostileCard(), 'SONCALL1'),
    vmIncident: incidentMessage(hostileCard({ jobType: 'Backup' }), 'SONCALL1'),
    followUp: incidentFollowUp(
      hostileCard({ failures: 1 }),
      hostileSession({ result: 'Failed' }),
      'SONCALL1',
    ),
    resolvedReply: resolvedReply(hostileCard(), success),
    resolved: resolvedMessage(hostileCard(), success),
    longRunning: longRunningMessage(hostileSession(), Date.parse('2026-01-01T12:00:00Z')),
    longRunningVm: longRunningMessage(
      hostileSession({ jobType: 'Backup' }),
      Date.parse('2026-01-01T12:00:00Z'),
    ),
    longRunningEnded: longRunningEndedMessage(hostileSession()),
    emDown: emDownMessage(`<!channel> ${'&'.repeat(5_000)}`, Date.parse('2026-01-01T10:00:00Z'), 3),
  };

  it.each(Object.entries(messages))(
    '%s: every text object within Slack limits, counted after escaping',
    (_, message) => {
      expect(slackLimitProblems(message)).toEqual([]);
    },
  );

  it.each(Object.entries(messages))(
    '%s: no mention or link from EM renders, only the configured one',
    (_, message) => {
      expect(injected(message, ['<!subteam^SONCALL1>'])).toEqual([]);
    },
  );

  it('keeps the mention in the notification text whatever the length of the reason', () => {
    expect(messages.incident.text).toContain('<!subteam^SONCALL1>');
    expect(messages.followUp.text).toContain('<!subteam^SONCALL1>');
  });
});
