// The floors our ack is measured against, in the bot's own process: a bare Bolt app (the same HTTPReceiver
// setup as ours, one command listener that only acks) and a raw node:http server that checks Slack's signature
// and answers 200. What they cost is what any Bolt app, or any Slack endpoint at all, pays.

import { createHmac, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';

const EVENTS_PATH = '/slack/events';
/** Slack's replay window: a request signed longer ago than this is refused (as Bolt does). */
const WINDOW_SEC = 300;

export interface AckTarget {
  eventsUrl: string;
  close(): Promise<void>;
}

/** Bolt 5 as our createSlackApp sets it up (HTTPReceiver, ack before the listener ends, no convo store). */
export async function startBareBolt(signingSecret: string, slackApiUrl: string): Promise<AckTarget> {
  const receiver = new HTTPReceiver({
    signingSecret,
    endpoints: [EVENTS_PATH],
    processBeforeResponse: false,
    signatureVerification: true,
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token: 'xoxb-bench-bare-bolt',
    receiver,
    clientOptions: { slackApiUrl },
    convoStore: false,
    logLevel: LogLevel.ERROR,
  });
  app.command('/veeam', async ({ ack }) => {
    await ack();
  });
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as http.Server;
  return {
    eventsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}${EVENTS_PATH}`,
    close: () => app.stop().then(() => undefined),
  };
}

/** node:http alone: reads the body, checks timestamp and signature, answers 200 (or 401). */
export async function startRawServer(signingSecret: string): Promise<AckTarget> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const ok = req.url === EVENTS_PATH && signedBySlack(signingSecret, req.headers, Buffer.concat(chunks));
      res.writeHead(ok ? 200 : 401, { 'content-length': '0' });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    eventsUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}${EVENTS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function signedBySlack(secret: string, headers: http.IncomingHttpHeaders, body: Buffer): boolean {
  const timestamp = Number(headers['x-slack-request-timestamp']);
  const signature = headers['x-slack-signature'];
  if (!Number.isInteger(timestamp) || typeof signature !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - timestamp) > WINDOW_SEC) return false;
  const hmac = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest('hex');
  const expected = Buffer.from(`v0=${hmac}`);
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
