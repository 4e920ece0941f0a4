// Times every Slack request from its arrival on the bot's HTTP server to its answer being sent: the ack latency
// Slack sees (it gives up after 3 s), including our replay guard, Bolt's signature check and our middleware.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Metrics } from './metrics.js';

const EVENTS_PATH = '/slack/events';

/** Listens first on `server` (before Bolt's own listener starts reading) for POST /slack/events. */
export function meterAcks(server: Server, metrics: Metrics): void {
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== 'POST' || !isEventsPath(req.url)) return;
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.ackLatency.observe({ status: `${Math.floor(res.statusCode / 100)}xx` }, seconds);
    });
  });
}

/** The path without its query string, compared without building a URL for every request. */
function isEventsPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  const query = url.indexOf('?');
  return (query < 0 ? url : url.slice(0, query)) === EVENTS_PATH;
}
