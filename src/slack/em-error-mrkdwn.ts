// The sentence describeEmError builds for an EM failure, made safe to put in any Slack text: escaped, then capped.

import { describeEmError } from '../em/errors.js';
import { escapeMrkdwn } from './mrkdwn.js';

/**
 * EM's own Message (which names jobs, VMs and repositories) rides in describeEmError's sentence as it is, so it
 * could ping `@channel` or render a link; and it has no length limit, while Slack refuses a section over 3,000
 * characters (the whole message with it). Cut after escaping, never inside an entity; well under one section.
 */
const EM_ERROR_MAX_CHARS = 1_500;

/** describeEmError's sentence as mrkdwn: every `&`, `<`, `>` escaped, at most EM_ERROR_MAX_CHARS long. */
export function emErrorMrkdwn(error: unknown): string {
  return escapeMrkdwn(describeEmError(error), EM_ERROR_MAX_CHARS);
}
