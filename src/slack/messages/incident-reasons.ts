// Why a run failed, as an incident card and its thread replies say it (pure, no I/O): EM's FailureMessage when it
// gave one, else each failed object's name and Reason from the task sessions (real EM, em-api.md fact 12).

import type { SessionRecord } from '../../notify/monitor-state.js';
import { escapeMrkdwn } from '../mrkdwn.js';
import { failedObjectLines, NO_REASON } from './failed-object-lines.js';

/** Slack caps a section's text at 3,000 characters; EM failure messages can carry whole stack traces. */
const MAX_REASON_CHARS = 1_500;

const NO_MESSAGE = 'EM gave no failure message.';
const UNREADABLE = 'The reason could not be read: EM did not answer for the task sessions of this run.';

/** The reason as mrkdwn (already escaped), for a section of its own. */
export function reasonMrkdwn(session: SessionRecord): string {
  const message = session.failureMessage?.trim();
  if (message) return `*Reason (from EM)*\n${escapeMrkdwn(message, MAX_REASON_CHARS)}`;
  const reasons = session.taskReasons;
  if (reasons === undefined) return `*Reason (from EM)*\n${NO_MESSAGE}`;
  if (!reasons.read) return `*Reason*\n${UNREADABLE}`;
  if (reasons.objects.length === 0) {
    return `*Reason (from EM)*\n${NO_MESSAGE} No object of this run failed or warned.`;
  }
  // The card tags every object with its result: an incident holds failed and warning runs alike.
  const lines = failedObjectLines(reasons.objects, reasons.total, (result) => result);
  return `*Why it failed (from EM, per object)*\n${lines}`;
}

/** One line for a text fallback: the message's first line, or the first object's name and reason. */
export function reasonOneLine(session: SessionRecord): string {
  const message = session.failureMessage?.trim();
  if (message) return firstLine(message);
  const reasons = session.taskReasons;
  if (reasons === undefined) return NO_MESSAGE;
  if (!reasons.read) return UNREADABLE;
  const [first] = reasons.objects;
  if (first === undefined) return NO_MESSAGE;
  const more = reasons.total > 1 ? ` (and ${reasons.total - 1} more)` : '';
  return `${first.objectName}: ${first.reason ? firstLine(first.reason) : NO_REASON}${more}`;
}

/** The first non-blank line of EM's text: a reason is shown on one line, the rest is in EM. */
export function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}
