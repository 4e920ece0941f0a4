// Slack text: escaping mrkdwn's control characters, the one way to cut mrkdwn and plain_text to a length without
// breaking an escape, a mention or an emoji, and the mention syntax for users and user groups.

/**
 * Slack mrkdwn treats &, < and > as control characters; job names and EM messages must not inject links or
 * mentions, so they are escaped. Everything else is shown verbatim (em-api.md fact 10).
 *
 * With `maxChars`, the escaped text is then cut to that many characters: Slack counts its limits after escaping
 * (`&amp;` is 5), so escaping after a cut can push a text past the limit and Slack refuses the whole message.
 */
export function escapeMrkdwn(text: string, maxChars?: number): string {
  const escaped = text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
  return maxChars === undefined ? escaped : capMrkdwn(escaped, maxChars);
}

/**
 * Slack sends `&`, `<` and `>` typed by a user (slash-command text) as `&amp;`, `&lt;` and `&gt;`; this gives back
 * what was typed. One pass, so `&amp;lt;` (a typed `&lt;`) stays `&lt;`.
 */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&(amp|lt|gt);/g, (_, name: string) =>
    name === 'amp' ? '&' : name === 'lt' ? '<' : '>',
  );
}

const ELLIPSIS = '…';

/**
 * Cuts mrkdwn that is already escaped (or built from escaped parts) to at most `maxChars`, ending in an ellipsis.
 * Never cuts inside an entity (`&amp;`), a mention or link (`<@U…>`), or a surrogate pair: it cuts before them.
 */
export function capMrkdwn(mrkdwn: string, maxChars: number): string {
  if (mrkdwn.length <= maxChars) return mrkdwn;
  let end = Math.max(0, maxChars - ELLIPSIS.length);
  const head = mrkdwn.slice(0, end);
  const openEntity = head.lastIndexOf('&');
  if (openEntity !== -1 && !head.includes(';', openEntity)) end = openEntity;
  const openAngle = head.lastIndexOf('<');
  if (openAngle !== -1 && !head.includes('>', openAngle)) end = Math.min(end, openAngle);
  if (end > 0 && isHighSurrogate(mrkdwn.charCodeAt(end - 1))) end -= 1;
  return `${mrkdwn.slice(0, end)}${ELLIPSIS}`;
}

/**
 * Cuts plain_text (button labels, confirm dialogs) to at most `maxChars` as Slack counts it: Slack escapes `&` (5),
 * `<` and `>` (4) in plain_text itself. Never splits a surrogate pair; ends in an ellipsis.
 */
export function capPlainText(text: string, maxChars: number): string {
  if (plainTextLength(text) <= maxChars) return text;
  let end = Math.max(0, Math.min(text.length, maxChars - ELLIPSIS.length));
  while (end > 0 && plainTextLength(text.slice(0, end)) + ELLIPSIS.length > maxChars) end -= 1;
  if (end > 0 && isHighSurrogate(text.charCodeAt(end - 1))) end -= 1;
  return `${text.slice(0, end)}${ELLIPSIS}`;
}

function plainTextLength(text: string): number {
  return text.length + 4 * (text.match(/&/g)?.length ?? 0) + 3 * (text.match(/[<>]/g)?.length ?? 0);
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** `<@U…>`: Slack shows the user's name and notifies them. */
export function userMention(userId: string): string {
  return `<@${userId}>`;
}

/** `<!subteam^S…>`: Slack shows the group's handle and notifies its members. */
function groupMention(groupId: string): string {
  return `<!subteam^${groupId}>`;
}

/** A configured mention target that may be either: user group IDs start with S, user IDs with U or W. */
export function mentionFor(id: string): string {
  return id.startsWith('S') ? groupMention(id) : userMention(id);
}
