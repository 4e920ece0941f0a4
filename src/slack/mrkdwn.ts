// Slack mrkdwn text: escaping Slack's control characters, and the mention syntax for users and user groups.

/**
 * Slack mrkdwn treats &, < and > as control characters; job names and EM messages must not inject links or
 * mentions, so they are escaped. Everything else is shown verbatim (em-api.md fact 10).
 */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** `<@U…>`: Slack shows the user's name and notifies them. */
export function userMention(userId: string): string {
  return `<@${userId}>`;
}

/** `<!subteam^S…>`: Slack shows the group's handle and notifies its members. */
export function groupMention(groupId: string): string {
  return `<!subteam^${groupId}>`;
}

/** A configured mention target that may be either: user group IDs start with S, user IDs with U or W. */
export function mentionFor(id: string): string {
  return id.startsWith('S') ? groupMention(id) : userMention(id);
}
