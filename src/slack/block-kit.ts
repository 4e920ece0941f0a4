// Block Kit primitives every message of the bot is built from: pure functions returning Bolt's block types.

import type { types } from '@slack/bolt';

/** A message as the bot posts it: Block Kit blocks and a plain `text` fallback that says the same. */
export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

/** Slack rejects a section whose text is longer than this. */
export const SECTION_TEXT_LIMIT = 3000;

/** Slack caps a confirm dialog's title at 100 characters. */
const CONFIRM_TITLE_LIMIT = 100;

function mrkdwn(text: string): types.MrkdwnElement {
  return { type: 'mrkdwn', text };
}

function plainText(text: string): types.PlainTextElement {
  return { type: 'plain_text', text };
}

/** A mrkdwn section, optionally with a button beside it. The caller keeps the text under SECTION_TEXT_LIMIT. */
export function section(text: string, accessory?: types.Button): types.SectionBlock {
  return accessory === undefined
    ? { type: 'section', text: mrkdwn(text) }
    : { type: 'section', text: mrkdwn(text), accessory };
}

/** A section of mrkdwn fields, which Slack lays out in two columns. */
export function fieldsSection(fields: readonly string[]): types.SectionBlock {
  return { type: 'section', fields: fields.map(mrkdwn) };
}

/** A single line of small grey mrkdwn text. */
export function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [mrkdwn(text)] };
}

export interface ButtonOptions {
  style?: types.Button['style'];
  confirm?: types.ConfirmationDialog;
}

/** A button whose `value` carries an ID (state stays server-side; Slack allows 2,000 characters). */
export function button(
  actionId: string,
  text: string,
  value: string,
  { style, confirm }: ButtonOptions = {},
): types.Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plainText(text),
    value,
    ...(style === undefined ? {} : { style }),
    ...(confirm === undefined ? {} : { confirm }),
  };
}

export interface ConfirmDialogText {
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
    title: plainText(truncate(title, CONFIRM_TITLE_LIMIT)),
    text: mrkdwn(text),
    confirm: plainText(confirm),
    deny: plainText(deny),
  };
}

/** A row of buttons; `blockId` tells the click handler which message part was clicked. */
export function actionsBlock(blockId: string, elements: types.Button[]): types.ActionsBlock {
  return { type: 'actions', block_id: blockId, elements };
}

/** Cuts text to `max` characters, the last one an ellipsis, for Slack's per-field limits. */
export function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
