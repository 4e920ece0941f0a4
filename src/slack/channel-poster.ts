// The one place the watcher and the incident monitor send messages to Slack through: chat.postMessage and
// chat.update, plus what a failure means (retry later, drop for good, or send the text without blocks).

import type { WebClient } from '@slack/web-api';
import type { SlackMessage } from './block-kit.js';
import { slackErrorCode } from './describe-slack-error.js';

/** How a caller should treat a failed post: try again later, give up, or resend the text alone. */
type PostFailure = 'retry' | 'permanent' | 'blocks-refused';

/** Slack errors that no retry will fix: the post is dropped (and logged) rather than retried forever. */
const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'msg_too_long',
  'no_text',
  'invalid_arguments',
  'restricted_action',
  'thread_not_found',
]);
const BLOCK_ERRORS = new Set(['invalid_blocks', 'invalid_blocks_format']);

interface PostOptions {
  threadTs?: string;
  /** Send `message.text` alone (after Slack refused the blocks). */
  textOnly?: boolean;
}

export interface ChannelPoster {
  /** chat.postMessage; resolves with the new message's ts. The WebClient itself waits out 429 Retry-After. */
  post(channel: string, message: SlackMessage, options?: PostOptions): Promise<string>;
  /** chat.update of one of the bot's own messages. New blocks replace the old ones (which removes buttons). */
  update(channel: string, ts: string, message: SlackMessage, options?: { textOnly?: boolean }): Promise<void>;
}

export function createChannelPoster(client: WebClient): ChannelPoster {
  return {
    async post(channel, message, options = {}) {
      const result = await client.chat.postMessage({
        channel,
        text: message.text,
        ...(options.textOnly ? {} : { blocks: message.blocks }),
        ...(options.threadTs === undefined ? {} : { thread_ts: options.threadTs }),
        unfurl_links: false,
        unfurl_media: false,
      });
      if (typeof result.ts !== 'string') throw new Error('chat.postMessage answered without a ts');
      return result.ts;
    },
    async update(channel, ts, message, options = {}) {
      // chat.update keeps the old blocks unless blocks are sent: an empty list removes them.
      await client.chat.update({
        channel,
        ts,
        text: message.text,
        blocks: options.textOnly ? [] : message.blocks,
      });
    },
  };
}

/** What a failed post or update means for the caller. Errors that are not Slack's are worth a retry. */
export function classifyPostFailure(err: unknown): PostFailure {
  const code = slackErrorCode(err);
  if (code === undefined) return 'retry';
  if (BLOCK_ERRORS.has(code)) return 'blocks-refused';
  return PERMANENT_SLACK_ERRORS.has(code) ? 'permanent' : 'retry';
}
