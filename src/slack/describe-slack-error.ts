// The sentence a Slack user sees when a Slack Web API call of the bot failed: what happened and what to do.

/** Web API errors carry a stable `code` (@slack/web-api ErrorCode); platform errors add Slack's own `data.error`. */
interface WebApiErrorShape {
  code: string;
  data?: { error?: unknown };
}

export function isSlackApiError(err: unknown): err is WebApiErrorShape {
  return (
    typeof err === 'object' &&
    err !== null &&
    typeof (err as { code?: unknown }).code === 'string' &&
    (err as { code: string }).code.startsWith('slack_webapi_')
  );
}

/** Slack's error code ("not_in_channel", "ratelimited", …), or undefined when the error is not Slack's. */
export function slackErrorCode(err: unknown): string | undefined {
  if (!isSlackApiError(err)) return undefined;
  if (err.code === 'slack_webapi_rate_limited_error') return 'ratelimited';
  return typeof err.data?.error === 'string' ? err.data.error : undefined;
}

/** Built here and nowhere else, so users never see "An API error occurred: …". Callers log the raw error. */
export function describeSlackError(err: unknown): string {
  switch (slackErrorCode(err)) {
    case 'not_in_channel':
      return 'the bot is not a member of this channel. Invite it (`/invite @<bot name>`), then try again.';
    case 'channel_not_found':
      return 'Slack does not let the bot see this channel (a private channel or a DM it was not added to). Add the bot to the channel, then try again.';
    case 'is_archived':
      return 'this channel is archived. Unarchive it or use another channel.';
    case 'ratelimited':
      return 'Slack is rate-limiting the bot right now. Wait a minute, then try again.';
    case 'msg_too_long':
      return 'the message was too long for Slack. Try a narrower request; the details are in the bot log.';
    case 'invalid_blocks':
      return 'Slack refused the layout of the message (a bot bug). An admin can find the details in the bot log.';
    default:
      return 'Slack did not accept the message. Try again in a moment; if it keeps failing, the details are in the bot log.';
  }
}
