// Bolt's HTTPReceiver with the replay and clock-skew check of ReplayGuard in front of its own handling.

import type { RequestListener } from 'node:http';
import { HTTPModuleFunctions, HTTPReceiver, type HTTPReceiverOptions } from '@slack/bolt';
import type { Logger } from '../log/logger.js';
import { slackRequestArrived } from './ack-gate.js';
import type { ReplayGuard } from './replay-guard.js';

const EVENTS_PATH = '/slack/events';

type ReceiverOptions = Pick<
  HTTPReceiverOptions,
  'signingSecret' | 'customRoutes' | 'logger' | 'processBeforeResponse'
>;

/**
 * Bolt 5 offers no hook that can refuse a request before its listeners run: `customPropertiesExtractor` runs after
 * verification but cannot answer (a throw there is an unhandled rejection), and a global middleware can only ack
 * (200) or time out. HTTPReceiver's `requestListener` is public (for serving it from one's own server), so it is
 * wrapped: a POST to /slack/events is buffered with Bolt's own `bufferIncomingMessage`, checked, and then handed to
 * Bolt unchanged, which reuses the buffered body and still verifies the signature itself (signatureVerification on).
 */
export function guardedReceiver(options: ReceiverOptions, guard: ReplayGuard, logger: Logger): HTTPReceiver {
  const receiver = new HTTPReceiver({ ...options, endpoints: [EVENTS_PATH], signatureVerification: true });
  const handle = receiver.requestListener;
  const guarded: RequestListener = (req, res) => {
    if (req.method !== 'POST' || new URL(req.url ?? '/', 'http://localhost').pathname !== EVENTS_PATH) {
      handle(req, res);
      return;
    }
    res.once('close', slackRequestArrived());
    void (async () => {
      try {
        const buffered = await HTTPModuleFunctions.bufferIncomingMessage(
          req,
          HTTPModuleFunctions.defaultBodyLimit,
        );
        const refusal = guard.refusal(req.headers, buffered.rawBody.toString());
        if (refusal === undefined) {
          handle(buffered, res);
          return;
        }
        logger.warn('refused a signed Slack request', { reason: refusal });
        HTTPModuleFunctions.buildNoBodyResponse(res, 401);
      } catch (error) {
        const tooLarge = HTTPModuleFunctions.isRawBodyError(error) && error.statusCode === 413;
        logger.warn('could not read a Slack request', { error });
        if (!res.headersSent) HTTPModuleFunctions.buildNoBodyResponse(res, tooLarge ? 413 : 400);
      }
    })();
  };
  receiver.requestListener = guarded;
  return receiver;
}
