// Block Kit primitives every message of the bot is built from: pure functions returning Bolt's block types.

import type { types } from '@slack/bolt';

/** A message as the bot posts it: Block Kit blocks and a plain `text` fallback that says the same. */
export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

/** Slack rejects a section whose text is longer than this. */
const SECTION_TEXT_LIMIT = 3000;

/** chat.update refuses a longer `text` fallback (msg_too_long); chat.postMessage would cut it. */
const MESSAGE_TEXT_LIMIT = 4000;

/**
 * Slack refuses (invalid_blocks) anything past these, counted after escaping: python-slack-sdk `*_max_length`
 * and the Block Kit reference. The primitives below cut to them, so no builder can break them.
 */
const LIMITS = {
  field: 2000,
  fields: 10,
  contextText: 3000,
  buttonText: 75,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

/** A message whose `text` fallback is cut to what chat.update accepts (it says the same as the blocks). */
export function slackMessage(text: string, blocks: types.KnownBlock[]): SlackMessage {
  return { text: truncate(text, MESSAGE_TEXT_LIMIT), blocks };
}

function mrkdwn(text: string): types.MrkdwnElement {
  return { type: 'mrkdwn', text };
}

/** Plain text, cut to `max` characters as Slack counts them: it escapes `&` (5), `<` and `>` (4) itself. */
function plainText(text: string, max = Number.POSITIVE_INFINITY): types.PlainTextElement {
  return { type: 'plain_text', text: truncatePlain(text, max) };
}

/** A mrkdwn section, optionally with a button beside it; text past SECTION_TEXT_LIMIT is cut. */
export function section(text: string, accessory?: types.Button): types.SectionBlock {
  const body = mrkdwn(truncate(text, SECTION_TEXT_LIMIT));
  return accessory === undefined
    ? { type: 'section', text: body }
    : { type: 'section', text: body, accessory };
}

/** A section of mrkdwn fields, which Slack lays out in two columns (at most 10, each up to 2,000 characters). */
export function fieldsSection(fields: readonly string[]): types.SectionBlock {
  return {
    type: 'section',
    fields: fields.slice(0, LIMITS.fields).map((field) => mrkdwn(truncate(field, LIMITS.field))),
  };
}

/** A single line of small grey mrkdwn text. */
export function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [mrkdwn(truncate(text, LIMITS.contextText))] };
}

export interface ButtonOptions {
  style?: types.Button['style'];
  confirm?: types.ConfirmationDialog;
}

/**
 * A button whose `value` carries an ID (state stays server-side; Slack allows 2,000 characters). The value is
 * never cut: a cut ID is a wrong one.
 */
export function button(
  actionId: string,
  text: string,
  value: string,
  { style, confirm }: ButtonOptions = {},
): types.Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plainText(text, LIMITS.buttonText),
    value,
    ...(style === undefined ? {} : { style }),
    ...(confirm === undefined ? {} : { confirm }),
  };
}

interface ConfirmDialogText {
  title: string;
  /** mrkdwn */
  text: string;
  /** Label of the button that goes ahead. */
  confirm: string;
  /** Label of the button that backs out. */
  deny: string;
}

/** The dialog Slack shows before it sends the click. */
export function confirmDialog({ title, text, confirm, deny }: ConfirmDialogText): types.ConfirmationDialog {
  return {
    title: plainText(title, LIMITS.confirmTitle),
    text: mrkdwn(truncate(text, LIMITS.confirmText)),
    confirm: plainText(confirm, LIMITS.confirmButton),
    deny: plainText(deny, LIMITS.confirmButton),
  };
}

/** A row of buttons; `blockId` tells the click handler which message part was clicked. */
export function actionsBlock(blockId: string, elements: types.Button[]): types.ActionsBlock {
  return { type: 'actions', block_id: blockId, elements };
}

/**
 * Cuts text to `max` characters, the last one an ellipsis, for Slack's per-field limits. Never splits an escape
 * (`&amp;`, whose `&` alone Slack would count as 5) or a surrogate pair (an emoji in a job name).
 */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text
    .slice(0, max - 1)
    .replace(/&[a-z]*$/, '')
    .replace(/[\uD800-\uDBFF]$/, '');
  return `${cut}…`;
}

/** Like truncate, for plain_text: Slack counts the text after it escapes `&`, `<` and `>` itself. */
function truncatePlain(text: string, max: number): string {
  const escapedLength = (s: string) =>
    s.length + 4 * (s.match(/&/g)?.length ?? 0) + 3 * (s.match(/[<>]/g)?.length ?? 0);
  if (escapedLength(text) <= max) return text;
  let cut = truncate(text, Math.min(text.length, max));
  while (escapedLength(cut) > max) cut = truncate(cut, cut.length - 1);
  return cut;
}
