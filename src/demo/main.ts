// `npm run demo`: the whole flow on loopback (EM simulator, Slack stand-in, the real bot), played as a scripted
// Slack conversation and printed as a transcript. `npm run demo -- --interactive` then hands the prompt to you.

import { createInterface } from 'node:readline/promises';
import { createLogger } from '../log/logger.js';
import { SIM_JOB_IDS } from '../sim/seed-ids.js';
import { ACTION_IDS } from '../slack/action-ids.js';
import type { FakeMessage } from '../slack-standin/fake-slack-api.js';
import { findButton, messageText } from '../slack-standin/slack-user.js';
import { type LocalStack, startLocalStack } from './local-stack.js';
import { Transcript } from './transcript.js';

const PEOPLE = { alice: 'UALICE', bob: 'UBOB', carol: 'UCAROL' } as const;
const CHANNELS = { ops: 'COPS', incidents: 'CINCIDENTS' } as const;
const NAMES: Record<string, string> = {
  [PEOPLE.alice]: 'alice (operator, approver)',
  [PEOPLE.bob]: 'bob (approver)',
  [PEOPLE.carol]: 'carol (operator)',
  SONCALL: 'backup-oncall',
  [CHANNELS.ops]: 'backup-ops',
  [CHANNELS.incidents]: 'backup-incidents',
};

const interactive = process.argv.includes('--interactive') || process.argv.includes('-i');
const print = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  // The bot's own log lines go to a file-like sink only on failure; the transcript is what a person reads.
  const logLines: string[] = [];
  const logger = createLogger({ level: 'info', write: (line) => logLines.push(line) });
  const stack = await startLocalStack({
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
      VEEAM_MONITOR_INTERVAL_SECONDS: '3600',
    },
  });
  const transcript = new Transcript(print, NAMES);
  stack.slack.onEvent((event) => transcript.onEvent(event));

  print(`veeam-chatops demo: EM simulator at ${stack.sim.url}, Slack stand-in at ${stack.slack.url}`);
  print(
    `channels: #${NAMES[CHANNELS.ops]}, #${NAMES[CHANNELS.incidents]}; people: ${Object.values(PEOPLE)
      .map((p) => NAMES[p])
      .join(', ')}`,
  );

  const steps = new DemoSteps(stack, transcript);
  let failed: string | undefined;
  try {
    await steps.run();
  } catch (err) {
    failed = err instanceof Error ? err.message : String(err);
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  print('');
  if (failed !== undefined) {
    print(`DEMO FAILED at step "${steps.current}": ${failed}`);
    print('Last bot log lines:');
    for (const line of logLines.slice(-15)) print(`  ${line}`);
  } else {
    print(
      `Demo finished: ${steps.done} steps passed in ${seconds} s. Every post above came from the real bot over HTTP.`,
    );
  }

  if (interactive && failed === undefined) await repl(stack, transcript);
  await stack.close();
  return failed === undefined ? 0 : 1;
}

class DemoSteps {
  current = 'start';
  done = 0;

  constructor(
    private readonly stack: LocalStack,
    private readonly transcript: Transcript,
  ) {}

  async run(): Promise<void> {
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

async function repl(stack: LocalStack, transcript: Transcript): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  let user: string = PEOPLE.alice;
  let channel: string = CHANNELS.ops;
  print('');
  print('Interactive: type "/veeam <text>", "click <n>" for a numbered button, "as alice|bob|carol",');
  print('"in ops|incidents", or "quit". Everything keeps running until you quit.');
  for (;;) {
    const line = (await rl.question(`${NAMES[user]} in #${NAMES[channel]}> `).catch(() => 'quit')).trim();
    if (line === 'quit' || line === 'exit') break;
    const [verb, ...rest] = line.split(/\s+/);
    const arg = rest.join(' ');
    if (line.startsWith('/veeam')) {
      transcript.say(user, `typed: ${line}`);
      await stack.user.command(line.replace(/^\/veeam\s*/, ''), user, channel);
    } else if (verb === 'click') {
      const button = transcript.buttons[Number(arg) - 1];
      if (button === undefined) print(`no button ${arg}`);
      else {
        transcript.say(user, `clicked [${button.label}]`);
        await stack.user.click(button, user, button.channel ?? channel, button.message);
      }
    } else if (verb === 'as' && arg in PEOPLE) {
      user = PEOPLE[arg as keyof typeof PEOPLE];
    } else if (verb === 'in' && (arg === 'ops' || arg === 'incidents')) {
      channel = CHANNELS[arg];
    } else if (line !== '') {
      print('commands: /veeam <text> | click <n> | as alice|bob|carol | in ops|incidents | quit');
    }
    await new Promise((resolve) => setTimeout(resolve, 800));
  }
  rl.close();
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`demo crashed: ${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
