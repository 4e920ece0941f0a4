// The demo's scripted Slack conversation: the same steps `npm run demo` prints and the end-to-end test runs.

import type { Logger } from '../log/logger.js';
import { SIM_JOB_IDS } from '../sim/seed-ids.js';
import { ACTION_IDS } from '../slack/action-ids.js';
import type { FakeMessage } from '../slack-standin/fake-slack-api.js';
import { findButton, messageText } from '../slack-standin/slack-user.js';
import { type LocalStack, startLocalStack } from './local-stack.js';
import type { Transcript } from './transcript.js';

export const PEOPLE = { alice: 'UALICE', bob: 'UBOB', carol: 'UCAROL' } as const;
export const CHANNELS = { ops: 'COPS', incidents: 'CINCIDENTS' } as const;
export const NAMES: Record<string, string> = {
  [PEOPLE.alice]: 'alice (operator, approver)',
  [PEOPLE.bob]: 'bob (approver)',
  [PEOPLE.carol]: 'carol (operator)',
  SONCALL: 'backup-oncall',
  [CHANNELS.ops]: 'backup-ops',
  [CHANNELS.incidents]: 'backup-incidents',
};

/** The local stack with the demo's people, channels and a simulator tuned to finish in seconds. */
export function startDemoStack(logger: Logger): Promise<LocalStack> {
  return startLocalStack({
    logger,
    sim: { taskDurationMs: 400, backupDurationMs: 1_500, failureRate: 0 },
    usergroups: { SONCALL: [PEOPLE.carol] },
    slackRetryConfig: { retries: 3, factor: 1, minTimeout: 50, maxTimeout: 200 },
    env: {
      VEEAM_OPERATORS: `${PEOPLE.alice},SONCALL`,
      // alice may approve too, but never her own request.
      VEEAM_APPROVERS: `${PEOPLE.alice},${PEOPLE.bob}`,
      VEEAM_ALLOWED_CHANNELS: `${CHANNELS.ops},${CHANNELS.incidents}`,
      VEEAM_INCIDENT_CHANNEL: CHANNELS.incidents,
      VEEAM_INCIDENT_MENTION: 'SONCALL',
      TASK_POLL_INTERVAL_MS: '200',
      // The scenario polls the monitor itself, so the timer never interleaves with it.
      VEEAM_MONITOR_INTERVAL_SECONDS: '3600',
    },
  });
}

export class DemoScenario {
  current = 'start';
  done = 0;

  constructor(
    private readonly stack: LocalStack,
    private readonly transcript: Transcript,
  ) {}

  async run(): Promise<void> {
    await this.browseJobs();
    await this.approveAScheduleChange();
    await this.answerAnIncident();
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

    await this.step('show a job card', async () => {
      const before = stack.slack.ephemerals.length + stack.slack.messages.length;
      await this.type(PEOPLE.alice, 'job "Server Backup"', ops);
      await this.until(
        () => stack.slack.ephemerals.length + stack.slack.messages.length > before,
        'the job card',
      );
    });
  }

  /** A write that needs an approval: the requester may not approve it, another approver does. */
  private async approveAScheduleChange(): Promise<void> {
    const { stack } = this;
    const ops = CHANNELS.ops;
    let request: FakeMessage | undefined;
    await this.step('ask to disable the schedule (needs approval)', async () => {
      await this.type(PEOPLE.alice, 'disable "Server Backup"', ops);
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
      if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

/** Lets the bot's follow-up posts land before the next line of the script is printed. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}
