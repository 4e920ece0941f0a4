// Slack's side of Socket Mode for tests: a WebSocket endpoint that says hello, pushes envelopes (slash commands,
// button clicks) to the bot and records the bot's acks. The URL is handed out by FakeSlackApi's apps.connections.open.

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

export interface Ack {
  envelopeId: string;
  payload?: unknown;
  at: number;
}

export class FakeSocketModeServer {
  readonly acks: Ack[] = [];
  private readonly server: WebSocketServer;
  private socket: WebSocket | undefined;

  private constructor(server: WebSocketServer) {
    this.server = server;
    server.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => {
        const message = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (message.envelope_id)
          this.acks.push({ envelopeId: message.envelope_id, payload: message.payload, at: Date.now() });
      });
      socket.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          connection_info: { app_id: 'A0FAKE' },
          debug_info: {},
        }),
      );
    });
  }

  static async start(): Promise<FakeSocketModeServer> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return new FakeSocketModeServer(server);
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link`;
  }

  get connected(): boolean {
    return this.socket !== undefined && this.socket.readyState === this.socket.OPEN;
  }

  /** Pushes an envelope as Slack does and returns its envelope_id. */
  push(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>): string {
    if (this.socket === undefined) throw new Error('the bot has not connected');
    const envelopeId = randomUUID();
    this.socket.send(
      JSON.stringify({ envelope_id: envelopeId, type, payload, accepts_response_payload: true }),
    );
    return envelopeId;
  }

  async close(): Promise<void> {
    for (const client of this.server.clients) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
