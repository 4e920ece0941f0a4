// What every button listener does around its own work: ack at once, check the channel, answer failures privately.

import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { type ClickBody, clickOrigin, type Origin } from '../../origin.js';
import { afterAck } from '../after-ack.js';
import { answerFailure } from '../answer-failure.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export interface Click {
  /** The button's value: a job/session GUID, task ID or approval ID (never trusted until validated). */
  value: string;
  origin: Origin;
  body: BlockAction<ButtonAction>;
}

export function clickHandler(deps: SlackDeps, name: string, work: (click: Click) => Promise<void>) {
  return async ({ ack, body, action }: ButtonArgs): Promise<void> => {
    await ack();
    await afterAck();
    const origin = clickOrigin(body as unknown as ClickBody, deps.slack, deps.logger);
    try {
      const channel = deps.policy.channelAllowed(origin.channel || undefined);
      if (!channel.ok) {
        await origin.tellUser(channel.reason);
        return;
      }
      await work({ value: String(action.value ?? ''), origin, body });
    } catch (error) {
      await answerFailure(
        deps,
        origin,
        `button ${name}`,
        error,
        'Try again, or use `/veeam job <name>` for a fresh card.',
      );
    }
  };
}
