// Runs in the peers process: sends one signed slash command and times it until the bot's first answer on its
// response_url arrives at the Slack stand-in, and reads that answer's size against Slack's limits.

import type { FakeEphemeral, FakeSlackApi } from '../src/slack-standin/fake-slack-api.js';
import { signSlackRequest, slashCommandBody } from '../src/slack-standin/signed-request.js';
import { messageText } from '../src/slack-standin/slack-user.js';
import type { AckClient } from './ack-client.js';
import type { TimedCommandRequest, TimedCommandResult } from './peer-messages.js';

type Block = { type?: string; text?: { text?: string }; elements?: Block[]; fields?: { text?: string }[] };

export async function timeCommand(
  slack: FakeSlackApi,
  client: AckClient,
  req: TimedCommandRequest,
): Promise<TimedCommandResult> {
  // Refusals of earlier phases are theirs, not this command's.
  slack.takeRefusals();
  const body = slashCommandBody({
    text: req.text,
    userId: req.user,
    channelId: req.channel,
    responseUrl: slack.responseUrl(req.channel),
  });
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    ...signSlackRequest(req.signingSecret, body, Math.floor(Date.now() / 1000)),
  };
  let answered: ((e: FakeEphemeral) => void) | undefined;
  const first = new Promise<FakeEphemeral>((resolve) => {
    answered = resolve;
  });
  const stopListening = slack.onEvent((event) => {
    if (event.kind === 'ephemeral' && event.ephemeral.channel === req.channel) answered?.(event.ephemeral);
  });
  const started = performance.now();
  try {
    const ack = await client.post(new URL(req.eventsUrl), headers, body);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), req.waitMs);
    });
    const answer = await Promise.race([first, timeout]);
    const firstAnswerMs = answer === undefined ? null : Math.round(performance.now() - started);
    clearTimeout(timer);
    return {
      httpStatus: ack.status,
      ackMs: Math.round(ack.ms),
      firstAnswerMs,
      ...describe(answer),
      refusals: slack.takeRefusals().length,
    };
  } finally {
    stopListening();
  }
}

function describe(
  answer: FakeEphemeral | undefined,
): Omit<TimedCommandResult, 'httpStatus' | 'ackMs' | 'firstAnswerMs' | 'refusals'> {
  const blocks = (answer?.blocks ?? []) as Block[];
  const buttonLabels: string[] = [];
  let longestBlockChars = 0;
  for (const block of blocks) {
    const texts = [block.text?.text ?? '', ...(block.fields ?? []).map((f) => f.text ?? '')];
    longestBlockChars = Math.max(longestBlockChars, ...texts.map((t) => t.length));
    for (const element of block.elements ?? []) {
      if (element.type === 'button') buttonLabels.push(element.text?.text ?? '');
    }
    const accessory = (block as { accessory?: Block }).accessory;
    if (accessory?.type === 'button') buttonLabels.push(accessory.text?.text ?? '');
  }
  return {
    blocks: blocks.length,
    longestBlockChars,
    buttonLabels,
    textStart: messageText(answer).slice(0, 300),
  };
}
