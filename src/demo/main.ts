// `npm run demo`: the whole flow on loopback (EM simulator, Slack stand-in, the real bot), played as a scripted
// Slack conversation and printed as a transcript. `npm run demo -- --interactive` then hands the prompt to you.

import { createInterface } from 'node:readline/promises';
import { createLogger } from '../log/logger.js';
import { CHANNELS, NAMES, PEOPLE, startDemoStack } from './demo-stack.js';
import type { LocalStack } from './local-stack.js';
import { DemoScenario } from './scenario.js';
import { Transcript } from './transcript.js';

const interactive = process.argv.includes('--interactive') || process.argv.includes('-i');
const print = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  // The bot's own log lines go to a file-like sink only on failure; the transcript is what a person reads.
  const logLines: string[] = [];
  const logger = createLogger({ level: 'info', write: (line) => logLines.push(line) });
  const stack = await startDemoStack(logger);
  const transcript = new Transcript(print, NAMES);
  stack.slack.onEvent((event) => transcript.onEvent(event));

  print(`veeam-chatops demo: EM simulator at ${stack.sim.url}, Slack stand-in at ${stack.slack.url}`);
  print(
    `channels: #${NAMES[CHANNELS.ops]}, #${NAMES[CHANNELS.incidents]}; people: ${Object.values(PEOPLE)
      .map((p) => NAMES[p])
      .join(', ')}`,
  );

  const steps = new DemoScenario(stack, transcript);
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
