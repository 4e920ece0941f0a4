// The watcher's publisher: renders its neutral posts (messages/task.ts) and sends them through the channel poster;
// what a failure means (retry, drop, text alone) is the poster's classification.

import type { Logger } from '../../log/logger.js';
import type { WatchSpec } from '../../watch/types.js';
import type { PublishResult, WatchMessage, WatchPublisher } from '../../watch/watch-publisher.js';
import type { SlackMessage } from '../block-kit.js';
import { type ChannelPoster, classifyPostFailure } from '../channel-poster.js';
import { renderWatchMessage } from './task.js';

export function createTaskPublisher(poster: ChannelPoster, logger: Logger): WatchPublisher {
  const send = async (
    spec: WatchSpec,
    kind: WatchMessage['kind'],
    message: SlackMessage,
    textOnly: boolean,
  ) => {
    if (kind === 'reply') {
      await poster.post(spec.channel, message, { threadTs: spec.threadTs, textOnly });
    } else if (spec.parentTs !== undefined) {
      // New blocks replace the old ones, which removes the Cancel button.
      await poster.update(spec.channel, spec.parentTs, message, { textOnly });
    }
  };
  return {
    async publish(spec, item): Promise<PublishResult> {
      const message = renderWatchMessage(spec, item);
      let textOnly = message.blocks.length === 0;
      for (;;) {
        try {
          await send(spec, item.kind, message, textOnly);
          return { outcome: 'sent' };
        } catch (error) {
          const failure = classifyPostFailure(error);
          if (failure === 'blocks-refused' && !textOnly) {
            logger.warn('Slack refused the blocks; sending the text alone', { error, taskId: spec.taskId });
            textOnly = true;
            continue;
          }
          return { outcome: failure === 'retry' ? 'retry' : 'dropped', error };
        }
      }
    },
  };
}
