// Why a run failed, as an incident card and its thread replies say it (pure, no I/O): EM's FailureMessage when it
// gave one, else each failed object's name and Reason from the task sessions (real EM, em-api.md fact 12).

import type { SessionRecord } from '../../notify/monitor-state.js';
import { escapeMrkdwn } from '../mrkdwn.js';

/** Slack caps a section's text at 3,000 characters; EM failure messages can carry whole stack traces. */
const MAX_REASON_CHARS = 1_500;
/** Objects listed by name; the rest are counted. */
export const MAX_LISTED_OBJECTS = 5;
/** Per object, after escaping: five of these and their names stay far inside one 3,000-character section. */
const MAX_OBJECT_REASON_CHARS = 400;
const MAX_OBJECT_NAME_CHARS = 80;

export const NO_MESSAGE = 'EM gave no failure message.';
export const UNREADABLE =
  'The reason could not be read: EM did not answer for the task sessions of this run.';

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
  const lines = reasons.objects.slice(0, MAX_LISTED_OBJECTS).map((object) => {
    const name = escapeMrkdwn(object.objectName, MAX_OBJECT_NAME_CHARS);
    const reason = object.reason
      ? escapeMrkdwn(joinLines(object.reason), MAX_OBJECT_REASON_CHARS)
      : 'no reason given';
    return `• *${name}* (${escapeMrkdwn(object.result, 40)}): ${reason}`;
  });
  const more = reasons.total - Math.min(reasons.objects.length, MAX_LISTED_OBJECTS);
  if (more > 0) lines.push(`…and ${more} more`);
  return `*Why it failed (from EM, per object)*\n${lines.join('\n')}`;
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
  return `${first.objectName}: ${first.reason ? firstLine(first.reason) : 'no reason given'}${more}`;
}

function firstLine(text: string): string {
  return (
    text
      .split(/\r?\n/)
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  );
}

/** A reason's lines joined (EM's reasons are often several lines); bullets stay one per object. */
function joinLines(text: string): string {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join(' ');
}
