// Block Kit primitives for messages that carry EM text (incidents, storms): each caps its text objects to Slack's
// limits after escaping, so no job name or EM message can make Slack refuse the whole message.

import type { types } from '@slack/bolt';
import { actionsBlock, button, confirmDialog, context, fieldsSection, section } from '../block-kit.js';
import { capMrkdwn, capPlainText, TEXT_LIMITS } from '../mrkdwn.js';

/** A mrkdwn section; `text` is mrkdwn whose EM parts are already escaped. */
export function cappedSection(text: string): types.SectionBlock {
  return section(capMrkdwn(text, TEXT_LIMITS.section));
}

/** A section of mrkdwn fields (Slack allows 10), each capped. */
export function cappedFields(fields: readonly string[]): types.SectionBlock {
  return fieldsSection(fields.slice(0, 10).map((field) => capMrkdwn(field, TEXT_LIMITS.field)));
}

/** A line of small grey mrkdwn. */
export function cappedContext(text: string): types.ContextBlock {
  return context(capMrkdwn(text, TEXT_LIMITS.context));
}

export interface CappedButton {
  actionId: string;
  label: string;
  value: string;
  style?: types.Button['style'];
  /** Asked before the click is sent; `text` is mrkdwn, the rest plain text. */
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

/** A row of buttons whose labels and confirm dialogs fit Slack's limits. */
export function cappedActions(blockId: string, buttons: readonly CappedButton[]): types.ActionsBlock {
  return actionsBlock(
    blockId,
    buttons.map(({ actionId, label, value, style, confirm }) =>
      button(actionId, capPlainText(label, TEXT_LIMITS.button), value, {
        style,
        confirm:
          confirm === undefined
            ? undefined
            : confirmDialog({
                title: capPlainText(confirm.title, TEXT_LIMITS.confirmTitle),
                text: capMrkdwn(confirm.text, TEXT_LIMITS.confirmText),
                confirm: capPlainText(confirm.confirm, TEXT_LIMITS.confirmButton),
                deny: capPlainText(confirm.deny, TEXT_LIMITS.confirmButton),
              }),
      }),
    ),
  );
}

/** A message's plain `text`: the notification line, and all that is sent when Slack refuses the blocks. */
export function cappedFallback(text: string): string {
  return capMrkdwn(text, TEXT_LIMITS.fallbackText);
}
