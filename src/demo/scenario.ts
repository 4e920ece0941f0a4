// The demo's scripted Slack conversation: the same steps `npm run demo` prints and the end-to-end test runs.

import { SIM_JOB_IDS } from '../sim/seed-ids.js';
import { ACTION_IDS, PREVIEW_IDS } from '../slack/action-ids.js';
import type { FakeMessage } from '../slack-standin/fake-slack-api.js';
import { findButton, messageText } from '../slack-standin/slack-user.js';
import { viewText } from '../slack-standin/view-text.js';
import { CHANNELS, NAMES, PEOPLE } from './demo-stack.js';
import type { LocalStack } from './local-stack.js';
import type { Transcript } from './transcript.js';

/** What EM records on the failed VM's task session (its session's FailureMessage stays null). */
const VM_FAILURE_REASON =
  'Error: Failed to create VM snapshot. There is not enough space on the datastore "ds-prod-02".';

export class DemoScenario {
  current = 'start';
  done = 0;
  /** Ephemerals already looked at by newEphemeral. */
  private seenEphemerals = 0;

  constructor(
    private readonly stack: LocalStack,
    private readonly transcript: Transcript,
  ) {}

  async run(): Promise<void> {
    await this.browseJobs();
    await this.helpForTwoPeople();
    await this.showAVmJob();
    await this.approveAScheduleChange();
    await this.syncABackupCopy();
    await this.answerAnIncident();
    await this.explainAVmFailure();
    await this.showTheHomeTab();
  }

  /** Read commands: nobody needs rights for them. */
  private async browseJobs(): Promise<void> {
    const { stack } = this;
    const ops = CHANNELS.ops;
    await this.step('list jobs', async () => {
      await this.type(PEOPLE.alice, 'jobs', ops);
      await this.until(
        () => stack.slack.ephemerals.some((e) => messageText(e).includes('Server Backup')),
        'the job list',
      );
    });

    await this.step('the list holds every kind: VM backup and backup copy jobs too', async () => {
      await this.until(
        () =>
          stack.slack.ephemerals.some((e) =>
            ['Server Backup', 'Fileserver Backup', 'Offsite Copy'].every((name) =>
              messageText(e).includes(name),
            ),
          ),
        'VM backup and backup copy jobs in the job list',
      );
    });

    await this.step('show a job card', async () => {
      const before = stack.slack.ephemerals.length + stack.slack.messages.length;
      await this.type(PEOPLE.alice, 'job "Server Backup"', ops);
      await this.until(
        () => stack.slack.ephemerals.length + stack.slack.messages.length > before,
        'the job card',
      );
    });
  }

  /** `/veeam help` lists what the asker may run: bob (approver only) reads and decides, carol (operator) acts. */
  private async helpForTwoPeople(): Promise<void> {
    const ops = CHANNELS.ops;
    await this.step(
      'help for an approver who is no operator: reads, approvals, how to get rights',
      async () => {
        await this.type(PEOPLE.bob, 'help', ops);
        await this.newEphemeral(
          (text) =>
            text.includes('VEEAM_OPERATORS') &&
            text.includes('*Approvals*') &&
            !text.includes('/veeam start'),
          "bob's help",
        );
      },
    );
    await this.step('help for an operator: the writes, which need an approver, previews first', async () => {
      await this.type(PEOPLE.carol, '', ops);
      await this.newEphemeral(
        (text) => text.includes('/veeam start') && text.includes('needs an approver'),
        "carol's help",
      );
    });
  }

  /** A VM backup job's card: its platform, and the actions EM's own links allow. */
  private async showAVmJob(): Promise<void> {
    const { stack } = this;
    await this.step('show a VM backup job card', async () => {
      await this.type(PEOPLE.alice, 'job "Fileserver Backup"', CHANNELS.ops);
      await this.until(
        () =>
          [...stack.slack.ephemerals, ...stack.slack.messages].find(
            (m) =>
              messageText(m).includes('Fileserver Backup') &&
              /VMware|vSphere/.test(messageText(m)) &&
              findButton(m as FakeMessage, ACTION_IDS.jobStart) !== undefined,
          ),
        'the VM job card with its platform and a Start button',
      );
    });
  }

  /** A write that needs an approval: the requester may not approve it, another approver does. */
  private async approveAScheduleChange(): Promise<void> {
    const { stack } = this;
    const ops = CHANNELS.ops;
    let request: FakeMessage | undefined;
    await this.step('ask to disable the schedule: a private preview first, nothing sent yet', async () => {
      await this.type(PEOPLE.alice, 'disable "Server Backup"', ops);
      await this.newEphemeral(
        (text) => text.includes('Preview:') && text.includes('schedule on') && text.includes('must approve'),
        'the preview of the disable',
      );
    });

    await this.step('alice confirms; the request for an approval is posted', async () => {
      await this.confirmPreview(PEOPLE.alice, ops);
      request = await this.until(
        () => stack.slack.topLevel(ops).find((m) => findButton(m, ACTION_IDS.approve) !== undefined),
        'the approval request',
      );
    });

    await this.step('self-approval is refused', async () => {
      const before = stack.slack.ephemerals.length;
      await this.click(PEOPLE.alice, request, ACTION_IDS.approve, 'Approve');
      await this.until(() => stack.slack.ephemerals.length > before, 'the refusal');
      if (!stack.sim.listJobs().find((j) => j.id === SIM_JOB_IDS.serverBackup)?.scheduleEnabled) {
        throw new Error('the schedule changed although the requester approved their own request');
      }
    });

    await this.step('another person approves; the Task result arrives in the thread', async () => {
      await this.click(PEOPLE.bob, request, ACTION_IDS.approve, 'Approve');
      const parent = request as FakeMessage;
      await this.until(
        () => stack.slack.thread(parent.channel, parent.ts).length > 0,
        'the threaded result',
        15_000,
      );
      await this.until(
        () => stack.sim.listJobs().find((j) => j.id === SIM_JOB_IDS.serverBackup)?.scheduleEnabled === false,
        'EM to show the schedule disabled',
      );
    });
  }

  /** A backup copy job has no Start link in EM: the bot sends its Sync link, then follows the copy session. */
  private async syncABackupCopy(): Promise<void> {
    const { stack } = this;
    const ops = CHANNELS.ops;
    const copySessions = () => stack.sim.listSessions().filter((s) => s.jobId === SIM_JOB_IDS.offsiteCopy);
    let post: FakeMessage | undefined;
    await this.step('start the backup copy job: EM gets ?action=sync', async () => {
      const before = copySessions().length;
      stack.sim.setNextRunOutcome(SIM_JOB_IDS.offsiteCopy, { result: 'Success' });
      await this.type(PEOPLE.alice, 'start "Offsite Copy"', ops);
      await this.confirmPreview(PEOPLE.alice, ops);
      post = await this.until(
        () => stack.slack.topLevel(ops).find((m) => messageText(m).includes('Offsite Copy')),
        'the start post',
      );
      // The simulator answers ?action=start on a backup copy job with 400: a new session means a sync.
      await this.until(() => copySessions().length > before, 'a backup copy session in EM (a sync)');
    });

    await this.step("the copy session's end lands in the thread", async () => {
      const parent = post;
      if (parent === undefined) throw new Error('no start post to follow');
      await this.until(
        () =>
          stack.slack
            .thread(parent.channel, parent.ts)
            .some((m) => /ended: \*Success\*/.test(messageText(m))),
        'the backup copy session result in the thread',
        15_000,
      );
    });
  }

  /** The incident monitor posts a failure, on-call retries from the post, the next poll resolves it. */
  private async answerAnIncident(): Promise<void> {
    const { stack } = this;
    let incident: FakeMessage | undefined;
    await this.step('a backup fails overnight; the incident channel hears of it', async () => {
      this.transcript.note('(simulator) "Linux Web Servers" fails: the network path was not found');
      const now = Date.now();
      stack.sim.addSession({
        jobId: SIM_JOB_IDS.linuxWeb,
        state: 'Stopped',
        result: 'Failed',
        failureMessage:
          'Error: Agent failed to process method {Backup.Disk}: The network path was not found.',
        creationTime: now - 20 * 60_000,
        endTime: now,
      });
      await stack.bot.monitor?.pollOnce();
      incident = await this.until(
        () =>
          stack.slack
            .topLevel(CHANNELS.incidents)
            .find((m) => findButton(m, ACTION_IDS.jobRetry) !== undefined),
        'the incident post',
      );
    });

    await this.step('an on-call operator clicks Retry; the result lands in the incident thread', async () => {
      stack.sim.setNextRunOutcome(SIM_JOB_IDS.linuxWeb, { result: 'Success' });
      await this.click(PEOPLE.carol, incident, ACTION_IDS.jobRetry, 'Retry');
      await this.confirmPreview(PEOPLE.carol, CHANNELS.incidents);
      const parent = incident as FakeMessage;
      await this.until(
        () =>
          stack.slack
            .thread(parent.channel, parent.ts)
            .some((m) => /success/i.test(messageText(m)) && /session|backup/i.test(messageText(m))),
        'the backup session result in the incident thread',
        20_000,
      );
    });

    await this.step('the next monitor poll sees the success and resolves the incident', async () => {
      const parent = incident as FakeMessage;
      const before = stack.slack.thread(parent.channel, parent.ts).length;
      await stack.bot.monitor?.pollOnce();
      await this.until(
        () => stack.slack.thread(parent.channel, parent.ts).length > before,
        'the resolution in the incident thread',
      );
    });
  }

  /** Real EM leaves FailureMessage empty: the card reads the reason from the failed VM's task session. */
  private async explainAVmFailure(): Promise<void> {
    const { stack } = this;
    const incidents = CHANNELS.incidents;
    let ts: string | undefined;
    const card = () => stack.slack.topLevel(incidents).find((m) => m.ts === ts);
    await this.step('a VM backup job fails; the incident channel hears of it', async () => {
      this.transcript.note(
        '(simulator) "Fileserver Backup" fails on fs01; as on real EM, the reason is only on the VM\'s task session',
      );
      const now = Date.now();
      stack.sim.addSession({
        jobId: SIM_JOB_IDS.vmFileserver,
        state: 'Stopped',
        result: 'Failed',
        failureMessage: VM_FAILURE_REASON,
        creationTime: now - 35 * 60_000,
        endTime: now,
      });
      await stack.bot.monitor?.pollOnce();
      ts = (
        await this.until(
          () => stack.slack.topLevel(incidents).find((m) => messageText(m).includes('Fileserver Backup')),
          'the VM job incident post',
        )
      ).ts;
    });

    await this.step("its card names the VM and EM's reason, with buttons", async () => {
      await this.until(() => {
        const text = messageText(card());
        return (
          text.includes('fs01') &&
          text.includes('not enough space') &&
          findButton(card(), ACTION_IDS.jobRetry) !== undefined
        );
      }, 'the reason from the task session and a Retry button on the VM incident card');
    });
  }

  /** The bot's Home tab for an approver, printed as text: problem jobs first, open incidents with their threads. */
  private async showTheHomeTab(): Promise<void> {
    const { stack } = this;
    await this.step("an approver opens the bot's Home tab", async () => {
      this.transcript.say(PEOPLE.bob, "opened the bot's Home tab");
      const before = stack.slack.homePublishes(PEOPLE.bob);
      const res = await stack.user.openHome(PEOPLE.bob);
      if (res.status !== 200) throw new Error(`the bot answered HTTP ${res.status} to app_home_opened`);
      await this.until(() => stack.slack.homePublishes(PEOPLE.bob) > before, 'the Home tab');
      for (const line of viewText(stack.slack.homeView(PEOPLE.bob))) this.transcript.note(line);
    });
  }

  /** A named step of the script: `current` says which one a failure happened in. */
  private async step(name: string, body: () => Promise<void>): Promise<void> {
    this.current = name;
    await body();
    this.done += 1;
  }

  private async type(user: string, text: string, channel: string): Promise<void> {
    this.transcript.say(user, `typed in #${NAMES[channel]}: /veeam ${text}`);
    const res = await this.stack.user.command(text, user, channel);
    if (res.status !== 200) throw new Error(`the bot answered HTTP ${res.status} to /veeam ${text}`);
    await settle();
  }

  /** Waits for an ephemeral, shown after this call, whose text matches. */
  private async newEphemeral(match: (text: string) => boolean, what: string) {
    const before = this.seenEphemerals;
    const found = await this.until(
      () => this.stack.slack.ephemerals.slice(before).find((e) => match(messageText(e))),
      what,
    );
    this.seenEphemerals = this.stack.slack.ephemerals.length;
    return found;
  }

  /** Clicks Confirm on the newest preview (an ephemeral: it has no message to click on). */
  private async confirmPreview(user: string, channel: string): Promise<void> {
    const preview = await this.until(
      () =>
        [...this.stack.slack.ephemerals]
          .reverse()
          .find((e) => findButton(e, PREVIEW_IDS.confirm) !== undefined),
      'a preview with Confirm',
    );
    const button = findButton(preview, PREVIEW_IDS.confirm);
    if (button === undefined) throw new Error('no Confirm button to click');
    this.transcript.say(user, 'clicked [Confirm] on the preview');
    const res = await this.stack.user.click(button, user, channel);
    if (res.status !== 200) throw new Error(`the bot answered HTTP ${res.status} to Confirm`);
    await settle();
  }

  private async click(
    user: string,
    message: FakeMessage | undefined,
    actionId: string,
    label: string,
  ): Promise<void> {
    const button = findButton(message, actionId);
    if (message === undefined || button === undefined) throw new Error(`no ${label} button to click`);
    this.transcript.say(user, `clicked [${label}]`);
    const res = await this.stack.user.click(button, user, message.channel, message);
    if (res.status !== 200) throw new Error(`the bot answered HTTP ${res.status} to a click on ${label}`);
    await settle();
  }

  private async until<T>(
    probe: () => T | undefined | null | false,
    what: string,
    timeoutMs = 10_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs / 1000} s for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Lets the bot's follow-up posts land before the next line of the script is printed. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}
