// Block Kit primitives every message of the bot is built from: pure functions returning Bolt's block types.

import type { types } from '@slack/bolt';
import { capMrkdwn, capPlainText } from './mrkdwn.js';

/** A message as the bot posts it: Block Kit blocks and a plain `text` fallback that says the same. */
export interface SlackMessage {
  text: string;
  blocks: types.KnownBlock[];
}

/**
 * Slack's limits on what a message carries, counted after escaping; one character over and Slack refuses the whole
 * message (invalid_blocks; chat.update's msg_too_long for `text`). Sources: slack-notes.md "Slack limits",
 * python-slack-sdk `*_max_length`. The primitives below cut to them, so no builder can break them.
 */
export const SLACK_LIMITS = {
  messageText: 4000,
  section: 3000,
  field: 2000,
  fields: 10,
  /** Not in Slack's reference; kept at a field's 2,000 to be safe. */
  context: 2000,
  buttonText: 75,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

/** A message whose `text` fallback is cut to what chat.update accepts (it says the same as the blocks). */
export function slackMessage(text: string, blocks: types.KnownBlock[]): SlackMessage {
  return { text: capMrkdwn(text, SLACK_LIMITS.messageText), blocks };
}

function mrkdwn(text: string): types.MrkdwnElement {
  return { type: 'mrkdwn', text };
}

/** Plain text, cut to `max` characters as Slack counts them. */
function plainText(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: capPlainText(text, max) };
}

/** A mrkdwn section, optionally with a button beside it; text past Slack's limit is cut. */
export function section(text: string, accessory?: types.Button): types.SectionBlock {
  const body = mrkdwn(capMrkdwn(text, SLACK_LIMITS.section));
  return accessory === undefined
    ? { type: 'section', text: body }
    : { type: 'section', text: body, accessory };
}

/** A section of mrkdwn fields, which Slack lays out in two columns (at most 10, each up to 2,000 characters). */
export function fieldsSection(fields: readonly string[]): types.SectionBlock {
  return {
    type: 'section',
    fields: fields.slice(0, SLACK_LIMITS.fields).map((field) => mrkdwn(capMrkdwn(field, SLACK_LIMITS.field))),
  };
}

/** A single line of small grey mrkdwn text. */
export function context(text: string): types.ContextBlock {
  return { type: 'context', elements: [mrkdwn(capMrkdwn(text, SLACK_LIMITS.context))] };
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
    text: plainText(text, SLACK_LIMITS.buttonText),
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
    title: plainText(title, SLACK_LIMITS.confirmTitle),
    text: mrkdwn(capMrkdwn(text, SLACK_LIMITS.confirmText)),
    confirm: plainText(confirm, SLACK_LIMITS.confirmButton),
    deny: plainText(deny, SLACK_LIMITS.confirmButton),
  };
}

/** A row of buttons; `blockId` tells the click handler which message part was clicked. */
export function actionsBlock(blockId: string, elements: types.Button[]): types.ActionsBlock {
  return { type: 'actions', block_id: blockId, elements };
}
