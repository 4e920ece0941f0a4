// Why a run failed, object by object, as incident cards and watcher replies both show it: each failed or warning
// object (VM, machine, share) with the Reason EM put on its task session (real EM leaves the session's
// FailureMessage null: em-api.md fact 12).

import type { TaskSession } from '../../em/types.js';
import { escapeMrkdwn } from '../mrkdwn.js';

type FailedObject = Pick<TaskSession, 'objectName' | 'result' | 'reason'>;

/** Objects listed by name; the rest are counted ("…and N more"). */
const SHOWN_OBJECTS = 5;
/**
 * Cut after escaping (so a cut never splits an escape). Five lines of at most 80 + 40 + 400 characters and their
 * punctuation stay far inside one 3,000-character section, and a watcher reply inside chat.update's 4,000.
 */
const NAME_CHARS = 80;
const TAG_CHARS = 40;
const REASON_CHARS = 400;

/** Said for an object whose task session carries no Reason. */
export const NO_REASON = 'EM gives no reason.';

/**
 * "• *vm-1* (tag): reason" for the first five objects, then "…and N more" when `total` is larger. `tagOf` names
 * what follows an object's name in brackets (its result, or only "warning"); undefined shows none.
 */
export function failedObjectLines(
  objects: readonly FailedObject[],
  total: number,
  tagOf: (result: string) => string | undefined,
): string {
  const lines = objects.slice(0, SHOWN_OBJECTS).map((o) => {
    const name = escapeMrkdwn(o.objectName, NAME_CHARS);
    const tag = tagOf(o.result);
    const reason = o.reason?.replace(/\s+/g, ' ').trim() ?? '';
    const why = reason === '' ? NO_REASON : escapeMrkdwn(reason, REASON_CHARS);
    return `• *${name}*${tag === undefined ? '' : ` (${escapeMrkdwn(tag, TAG_CHARS)})`}: ${why}`;
  });
  const more = total - lines.length;
  if (more > 0) lines.push(`…and ${more} more`);
  return lines.join('\n');
}
