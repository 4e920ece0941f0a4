// Builds and signs requests the way Slack sends them to a bot's /slack/events endpoint.

import { createHmac, randomBytes } from 'node:crypto';

/**
 * Slack gives every command and click its own trigger_id; so do we, so two requests sent in the same second are
 * two requests (two signatures) and only a true replay repeats one.
 */
function triggerId(): string {
  return `trigger-${Date.now()}-${randomBytes(6).toString('hex')}`;
}

/** Slack's v0 signature: HMAC-SHA256 of "v0:{timestamp}:{raw body}" with the signing secret. */
export function signSlackRequest(
  secret: string,
  rawBody: string,
  timestampSec: number,
): Record<string, string> {
  const signature = createHmac('sha256', secret).update(`v0:${timestampSec}:${rawBody}`).digest('hex');
  return {
    'x-slack-signature': `v0=${signature}`,
    'x-slack-request-timestamp': String(timestampSec),
  };
}

interface SlashCommandInit {
  command?: string;
  text: string;
  userId: string;
  channelId: string;
  responseUrl: string;
  teamId?: string;
  triggerId?: string;
}

/** A slash command arrives form-encoded. */
export function slashCommandBody(init: SlashCommandInit): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: init.teamId ?? 'T0FAKE',
    team_domain: 'fake',
    channel_id: init.channelId,
    channel_name: init.channelId.toLowerCase(),
    user_id: init.userId,
    user_name: init.userId.toLowerCase(),
    command: init.command ?? '/veeam',
    text: init.text,
    api_app_id: 'A0FAKE',
    is_enterprise_install: 'false',
    response_url: init.responseUrl,
    trigger_id: init.triggerId ?? triggerId(),
  }).toString();
}

interface BlockActionInit {
  userId: string;
  channelId: string;
  responseUrl: string;
  action: { actionId: string; value: string; blockId?: string };
  /** The message carrying the button; absent for buttons in ephemeral messages. */
  message?: { ts: string; threadTs?: string; text: string; blocks?: unknown[] };
  teamId?: string;
}

/** A button click arrives as payload=<JSON> in a form body. */
export function interactionBody(init: BlockActionInit): string {
  const actionTs = (Date.now() / 1000).toFixed(6);
  const payload = {
    type: 'block_actions',
    ...clicker(init.userId, init.teamId),
    response_url: init.responseUrl,
    channel: { id: init.channelId, name: init.channelId.toLowerCase() },
    container: init.message
      ? {
          type: 'message',
          message_ts: init.message.ts,
          channel_id: init.channelId,
          is_ephemeral: false,
          thread_ts: init.message.threadTs,
        }
      : { type: 'message', message_ts: actionTs, channel_id: init.channelId, is_ephemeral: true },
    message: init.message
      ? {
          type: 'message',
          ts: init.message.ts,
          thread_ts: init.message.threadTs,
          text: init.message.text,
          blocks: init.message.blocks ?? [],
          user: 'UBOT0001',
        }
      : undefined,
    actions: [clickedButton(init.action)],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** app_home_opened as Slack sends it to the Events API: a JSON event_callback (each with its own event_id). */
export function appHomeOpenedBody(init: {
  userId: string;
  tab?: 'home' | 'messages';
  teamId?: string;
}): string {
  const eventTs = (Date.now() / 1000).toFixed(6);
  return JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: init.teamId ?? 'T0FAKE',
    api_app_id: 'A0FAKE',
    event: {
      type: 'app_home_opened',
      user: init.userId,
      channel: `D${init.userId.slice(1)}`,
      tab: init.tab ?? 'home',
      event_ts: eventTs,
    },
    type: 'event_callback',
    event_id: `Ev${randomBytes(6).toString('hex').toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
  });
}

interface ViewActionInit {
  userId: string;
  action: { actionId: string; value: string; blockId?: string };
  /** The Home view the button is on, as published. */
  view: { type: string; blocks?: unknown[]; private_metadata?: string };
  teamId?: string;
}

/** A click on a button in the Home tab: block_actions with the view instead of a channel and message. */
export function viewActionBody(init: ViewActionInit): string {
  const viewId = `V${init.userId}`;
  const payload = {
    type: 'block_actions',
    ...clicker(init.userId, init.teamId),
    container: { type: 'view', view_id: viewId },
    view: {
      id: viewId,
      team_id: 'T0FAKE',
      type: init.view.type,
      blocks: init.view.blocks ?? [],
      private_metadata: init.view.private_metadata ?? '',
      callback_id: '',
      state: { values: {} },
      hash: `${Date.now()}.fake`,
      app_id: 'A0FAKE',
      bot_id: 'B0FAKE',
    },
    actions: [clickedButton(init.action)],
  };
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** Who clicked, as every block_actions payload carries it. */
function clicker(userId: string, teamId: string | undefined) {
  return {
    team: { id: teamId ?? 'T0FAKE', domain: 'fake' },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0FAKE' },
    api_app_id: 'A0FAKE',
    token: 'deprecated-verification-token',
    trigger_id: triggerId(),
  };
}

/** The one button a block_actions payload reports, stamped with the time of the click. */
function clickedButton(action: { actionId: string; blockId?: string; value: string }) {
  return {
    type: 'button',
    action_id: action.actionId,
    block_id: action.blockId ?? 'block',
    value: action.value,
    text: { type: 'plain_text', text: action.actionId },
    action_ts: (Date.now() / 1000).toFixed(6),
  };
}
