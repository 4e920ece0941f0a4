// Where a request came from (user, channel, thread) and how to answer that user privately.

import type { webApi } from '@slack/bolt';
import type { Logger } from '../log/logger.js';
import type { SlackMessage } from './block-kit.js';
import { homeClickPlace } from './home/home-click-place.js';

export interface Origin {
  user: string;
  channel: string;
  /** Thread root to post in: set when the request came from a button on a channel message. */
  threadTs?: string;
  /** An ephemeral answer only this user sees. Never throws: a failure to answer is logged. */
  tellUser(message: SlackMessage | string): Promise<void>;
}

type RespondFn = (message: {
  response_type: 'ephemeral';
  replace_original: false;
  text: string;
  blocks?: SlackMessage['blocks'];
}) => Promise<unknown>;

function asMessage(message: SlackMessage | string): SlackMessage | { text: string; blocks?: undefined } {
  return typeof message === 'string' ? { text: message } : message;
}

/** Slash commands answer through response_url: it works in any channel, even where the bot is not a member. */
export function commandOrigin(user: string, channel: string, respond: RespondFn, logger: Logger): Origin {
  return {
    user,
    channel,
    async tellUser(message) {
      const { text, blocks } = asMessage(message);
      try {
        await respond({
          response_type: 'ephemeral',
          replace_original: false,
          text,
          ...(blocks ? { blocks } : {}),
        });
      } catch (err) {
        logger.warn('could not answer the user', { user, channel, err: String(err) });
      }
    },
  };
}

export interface ClickBody {
  user: { id: string };
  channel?: { id: string };
  container?: { is_ephemeral?: boolean };
  message?: { ts: string; thread_ts?: string };
  /** A click on the Home tab: no channel or message, the view instead. */
  view?: { type?: string; private_metadata?: string };
  actions?: readonly { block_id?: string }[];
}

/**
 * Clicks answer with chat.postEphemeral. A button on a channel message threads its work under that message
 * (its thread root when it is itself a reply); a button on an ephemeral message has no thread to use.
 */
export function clickOrigin(body: ClickBody, client: webApi.WebClient, logger: Logger): Origin {
  const user = body.user.id;
  // A Home tab click acts where its row says (homeClickPlace): an incident thread or the bot's work channel.
  const home = homeClickPlace(body);
  const channel = home?.channel ?? body.channel?.id ?? '';
  const onChannelMessage = body.message !== undefined && body.container?.is_ephemeral !== true;
  return {
    user,
    channel,
    threadTs: home
      ? home.threadTs
      : onChannelMessage
        ? (body.message?.thread_ts ?? body.message?.ts)
        : undefined,
    async tellUser(message) {
      const { text, blocks } = asMessage(message);
      try {
        await client.chat.postEphemeral({ channel, user, text, ...(blocks ? { blocks } : {}) });
      } catch (err) {
        logger.warn('could not answer the user', { user, channel, err: String(err) });
      }
    },
  };
}
