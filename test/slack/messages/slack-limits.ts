// Test helper: what Slack would refuse in a message built for chat.postMessage / chat.update, limit by limit
// (slack-notes.md "Slack limits"), plus EM text that escaped escaping. Lists problems; [] when Slack takes it.

import type { SlackMessage } from '../../../src/slack/block-kit.js';

type Json = any;

function over(problems: string[], where: string, text: unknown, max: number): void {
  if (typeof text !== 'string') return;
  if (text.length > max) problems.push(`${where}: ${text.length} > ${max}`);
  // Every & left must start one of Slack's three escapes: a cut inside one shows "&am" and can break parsing.
  if (/&(?!(amp|lt|gt);)/.test(text)) problems.push(`${where}: a broken escape`);
}

function checkButton(problems: string[], where: string, button: Json): void {
  over(problems, `${where} text`, button.text?.text, 75);
  const confirm = button.confirm;
  if (confirm === undefined) return;
  over(problems, `${where} confirm title`, confirm.title?.text, 100);
  over(problems, `${where} confirm text`, confirm.text?.text, 300);
  over(problems, `${where} confirm button`, confirm.confirm?.text, 30);
  over(problems, `${where} deny button`, confirm.deny?.text, 30);
}

export function slackLimitProblems(message: SlackMessage): string[] {
  const problems: string[] = [];
  over(problems, 'text', message.text, 4_000);
  if (message.blocks.length > 50) problems.push(`${message.blocks.length} blocks > 50`);
  message.blocks.forEach((block: Json, i: number) => {
    const where = `block ${i} (${block.type})`;
    if (block.type === 'section') {
      over(problems, where, block.text?.text, 3_000);
      for (const field of block.fields ?? []) over(problems, `${where} field`, field.text, 2_000);
      if ((block.fields ?? []).length > 10) problems.push(`${where}: more than 10 fields`);
    } else if (block.type === 'context') {
      for (const element of block.elements) over(problems, `${where} element`, element.text, 2_000);
    } else if (block.type === 'actions') {
      for (const element of block.elements) checkButton(problems, `${where} button`, element);
    }
  });
  return problems;
}

/** Mentions and links the bot did not put there itself: `<!…>`, `<http…>` or `<@…>` other than `allowed`. */
export function injected(message: SlackMessage, allowed: string[] = []): string[] {
  const all = JSON.stringify(message).match(/<[!@#h][^>]*>/g) ?? [];
  return all.filter((m) => !allowed.includes(m));
}
