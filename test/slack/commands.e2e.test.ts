import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { ACTION_IDS } from '../../src/slack/action-ids.js';
import { interactionBody, slashCommandBody } from '../../src/slack-standin/signed-request.js';
import { CHANNELS, type Harness, startHarness, USERS } from '../support/harness.js';
import { buttonOf, emWrites, ephemeralAfter, findButton, messageText } from './e2e-helpers.js';

let h: Harness;

/** Requests refused for their signature or timestamp, as Bolt or the replay guard logged them. */
function refusedRequests(): number {
  return h.logger.lines.filter((l) =>
    /Failed to parse and verify the request data|refused a signed Slack request/.test(String(l.msg)),
  ).length;
}
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

describe('/veeam read commands', () => {
  it('prints the whole grammar for help and for empty text, to an operator', async () => {
    for (const text of ['help', '']) {
      const e = await ephemeralAfter(
        h,
        () => h.command(text, { user: USERS.operator }),
        '/veeam session stop <session-id>',
      );
      for (const verb of ['jobs', 'job', 'start', 'stop', 'retry', 'enable', 'disable', 'toggle', 'task']) {
        expect(e.text).toContain(`/veeam ${verb}`);
      }
    }
  });

  it('lists jobs of every kind with a Details button each, and filters them by text', async () => {
    const all = await ephemeralAfter(h, () => h.command('jobs', { user: USERS.viewer }), '*Jobs (13)');
    for (const line of [
      '*Linux DB Servers* · Agent backup · Linux · schedule off',
      '*Fileserver Backup* · VM backup · VMware vSphere',
      '*Exchange Backup* · VM backup · Hyper-V',
      '*Tenant vApps* · VM backup · VMware Cloud Director',
      '*ERP Replica* · Replication',
      '*Offsite Copy* · Backup copy (periodic)',
      '*SQL Immediate Copy* · Backup copy (immediate)',
      '*Projects Share* · File share backup',
    ])
      expect(all.text).toContain(line);
    expect(findButton(all, ACTION_IDS.jobDetails, SIM_JOB_IDS.serverBackup)).toBeDefined();
    expect(findButton(all, ACTION_IDS.jobDetails, SIM_JOB_IDS.offsiteCopy)).toBeDefined();
    const linux = await ephemeralAfter(
      h,
      () => h.command('jobs LINUX', { user: USERS.viewer }),
      'matching "LINUX" (2)',
    );
    expect(linux.text).toContain('Linux Web Servers');
    expect(linux.text).not.toContain('Server Backup');
  });

  it('shows the job card with its buttons for an exact name in quotes', async () => {
    const card = await ephemeralAfter(
      h,
      () => h.command('job "server backup"', { user: USERS.viewer }),
      `ID \`${SIM_JOB_IDS.serverBackup}\``,
    );
    const text = messageText(card);
    for (const field of [
      'Kind:* Agent backup',
      'Platform:',
      'Schedule:',
      'Next run:',
      'Retention:',
      'Objects included:* Windows Servers',
      'Last sessions:',
    ])
      expect(text).toContain(field);
    expect(findButton(card, ACTION_IDS.jobStart)?.value).toBe(SIM_JOB_IDS.serverBackup);
    expect(findButton(card, ACTION_IDS.jobStop)).toBeDefined();
    // EM links Retry on this agent job; the card offers what EM links (kinds.e2e covers jobs without Retry).
    expect(findButton(card, ACTION_IDS.jobRetry)).toBeDefined();
    expect(findButton(card, ACTION_IDS.jobDisable)).toBeDefined();
    expect(findButton(card, ACTION_IDS.jobEnable)).toBeUndefined();
  });

  it('offers Enable on a job whose schedule is disabled, found by GUID', async () => {
    const card = await ephemeralAfter(
      h,
      () => h.command(`job ${SIM_JOB_IDS.linuxDb}`, { user: USERS.viewer }),
      'Linux DB Servers',
    );
    expect(findButton(card, ACTION_IDS.jobEnable)).toBeDefined();
    expect(findButton(card, ACTION_IDS.jobDisable)).toBeUndefined();
  });

  it('offers a pick list for an ambiguous name, and a pick shows the card', async () => {
    const pick = await ephemeralAfter(
      h,
      () => h.command('job server', { user: USERS.viewer }),
      'matches 2 jobs',
    );
    const sql = buttonOf(pick, ACTION_IDS.pickJob, SIM_JOB_IDS.serverBackupSql);
    const card = await ephemeralAfter(
      h,
      () => h.click(sql, { user: USERS.viewer }),
      `ID \`${SIM_JOB_IDS.serverBackupSql}\``,
    );
    expect(messageText(card)).toContain('Server Backup SQL');
  });

  it('says when no job matches, with the closest names', async () => {
    const none = await ephemeralAfter(
      h,
      () => h.command('job Servr Backup', { user: USERS.viewer }),
      'No job is called',
    );
    expect(none.text).toContain('Did you mean "Server Backup"');
  });

  it('shows the Details card from the jobs list', async () => {
    const card = await ephemeralAfter(
      h,
      () => h.click({ actionId: ACTION_IDS.jobDetails, value: SIM_JOB_IDS.linuxWeb }, { user: USERS.viewer }),
      'Linux Web Servers',
    );
    expect(findButton(card, ACTION_IDS.jobStart)).toBeDefined();
  });

  it('shows a task with Cancel while it runs', async () => {
    h.sim.knobs.taskDurationMs = 3_000;
    try {
      await h.command('start Workstations Weekly');
      const parent = await h.waitFor(
        () =>
          h.slack
            .topLevel(CHANNELS.ops)
            .find((m) => /EM task task-\d+/.test(m.text) && m.text.includes('Workstations Weekly')),
        { what: 'the running parent of the start' },
      );
      const taskId = /EM task (task-\d+)/.exec(parent.text)?.[1] ?? '';
      const card = await ephemeralAfter(
        h,
        () => h.command(`task ${taskId}`, { user: USERS.viewer }),
        `EM task ${taskId}`,
      );
      expect(findButton(card, ACTION_IDS.taskCancel)?.value).toBe(taskId);
    } finally {
      h.sim.knobs.taskDurationMs = 100;
    }
  });

  it('says when EM does not know a task, without a stack trace', async () => {
    const missing = await ephemeralAfter(
      h,
      () => h.command('task task-999999', { user: USERS.viewer }),
      'not found',
    );
    expect(missing.text).not.toMatch(/at .*\.ts:\d+/);
  });

  it('acks at once even when EM is slow, and answers afterwards', async () => {
    h.sim.knobs.latencyMs = 2_000;
    try {
      const before = h.slack.ephemerals.length;
      const ack = await h.command('jobs', { user: USERS.viewer });
      expect(ack.status).toBe(200);
      expect(h.slack.ephemerals.length).toBe(before);
      // The list needs several EM reads (every job kind, recent sessions) queued behind the watcher's: once the
      // ack is proven, EM speeds up again so the answer does not take minutes.
      h.sim.knobs.latencyMs = 0;
      const answer = await h.waitFor(
        () => h.slack.ephemerals.slice(before).find((e) => e.text.startsWith('Jobs (')),
        { what: 'the job list, once the slow EM answered', timeoutMs: 15_000 },
      );
      expect(answer.text).toContain('Server Backup');
    } finally {
      h.sim.knobs.latencyMs = 0;
    }
  });
});

describe('/veeam bad input', () => {
  const cases: Array<[string, string, string]> = [
    ['frobnicate', 'frobnicate', "I don't know"],
    ['job', 'job', 'Which job?'],
    ['start', 'start', 'Usage: `/veeam start <job>`'],
    ['job ../../logonSessions', 'job ../../logonSessions', 'may not contain'],
    ['start a/b', 'start a/b', 'may not contain'],
    ['stop x?action=start', 'stop x?action=start', 'may not contain'],
    ['start Server%2FBackup', 'start Server%2FBackup', 'may not contain'],
    ['session stop ../../tasks', 'session stop ../../tasks', 'is not a session ID'],
    ['session stop', 'session stop', 'Which session?'],
    ['task ../1', 'task ../1', 'is not an EM task ID'],
    ['start <4,000 characters>', `start ${'A'.repeat(4_000)}`, 'the longest accepted is'],
  ];
  it.each(cases)(
    'answers %s privately with what was wrong, and writes nothing to EM',
    async (_label, text, needle) => {
      const writes = emWrites(h);
      const postsBefore = h.slack.calls.filter((c) => c.method === 'chat.postMessage').length;
      const e = await ephemeralAfter(h, () => h.command(text), needle);
      expect(e.text).not.toMatch(/Error:|at .*\(.*:\d+:\d+\)/);
      expect(emWrites(h)).toBe(writes);
      expect(h.slack.calls.filter((c) => c.method === 'chat.postMessage').length).toBe(postsBefore);
    },
  );

  it('refuses a button whose value is not an ID, without asking EM', async () => {
    // The watcher may still poll earlier Tasks: what must not happen is a request about the bad ID.
    const untouched = () =>
      Object.entries(h.sim.stats.byRoute)
        .filter(
          ([route]) => !/^GET \/(tasks|backupSessions)\b/.test(route) && !route.endsWith('/backupSessions'),
        )
        .reduce((sum, [, n]) => sum + n, 0);
    const requests = untouched();
    await ephemeralAfter(
      h,
      () => h.click({ actionId: ACTION_IDS.jobStart, value: '../../logonSessions' }),
      'is not a valid job ID',
    );
    await ephemeralAfter(
      h,
      () => h.click({ actionId: ACTION_IDS.taskCancel, value: 'task-1/../x' }),
      'is not a valid task ID',
    );
    expect(untouched()).toBe(requests);
  });
});

describe('channels and signatures', () => {
  it('refuses politely outside the allowed channels and does nothing else', async () => {
    // The watcher may still poll earlier Tasks: "nothing" here is no job read, no EM write, no message.
    const jobReads = h.sim.stats.byRoute['GET /agents/jobs/{id}'] ?? 0;
    const writes = emWrites(h);
    const e = await ephemeralAfter(
      h,
      () => h.command('start Server Backup', { channel: CHANNELS.other }),
      'I only take Veeam commands in',
    );
    expect(e.text).toContain(`<#${CHANNELS.ops}>`);
    await ephemeralAfter(
      h,
      () =>
        h.click(
          { actionId: ACTION_IDS.jobStart, value: SIM_JOB_IDS.serverBackup },
          { channel: CHANNELS.other },
        ),
      'I only take Veeam commands in',
    );
    expect(h.sim.stats.byRoute['GET /agents/jobs/{id}'] ?? 0).toBe(jobReads);
    expect(emWrites(h)).toBe(writes);
    expect(h.slack.topLevel(CHANNELS.other)).toHaveLength(0);
  });

  const command = () =>
    slashCommandBody({
      text: 'start Server Backup',
      userId: USERS.operator,
      channelId: CHANNELS.ops,
      responseUrl: h.slack.responseUrl(CHANNELS.ops),
    });
  const click = () =>
    interactionBody({
      userId: USERS.approver,
      channelId: CHANNELS.ops,
      responseUrl: h.slack.responseUrl(CHANNELS.ops),
      action: { actionId: ACTION_IDS.jobStart, value: SIM_JOB_IDS.serverBackup },
    });
  const unsigned: Array<[string, () => string, { timestampSec?: number; secret?: string }]> = [
    ['a slash command signed with another secret', command, { secret: 'not-the-secret' }],
    ['a slash command signed 10 minutes ago', command, { timestampSec: Math.floor(Date.now() / 1000) - 600 }],
    ['a click signed with another secret', click, { secret: 'wrong' }],
  ];
  it.each(unsigned)('answers 401 to %s, and runs nothing', async (_label, body, signing) => {
    // The watcher may still be polling earlier Tasks, so "nothing" is: no EM write, no answer, no new message.
    const writes = emWrites(h);
    const ephemerals = h.slack.ephemerals.length;
    const messages = h.slack.topLevel(CHANNELS.ops).length;
    const refusals = refusedRequests();

    const answer = await h.sendSigned(body(), 'application/x-www-form-urlencoded', signing);

    expect(answer.status).toBe(401);
    // Bolt logs the refusal before it answers 401 and returns: the request never reaches a listener.
    expect(refusedRequests()).toBe(refusals + 1);
    expect(emWrites(h)).toBe(writes);
    expect(h.slack.ephemerals.length).toBe(ephemerals);
    expect(h.slack.topLevel(CHANNELS.ops).length).toBe(messages);
  });
});
