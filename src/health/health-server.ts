// Socket Mode opens no port for Slack, so the health routes get their own small server on HEALTH_PORT.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HealthRoute } from './health-routes.js';

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

export async function startHealthServer(
  routes: readonly HealthRoute[],
  port: number,
  host?: string,
): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.find((r) => r.path === path && r.method === req.method);
    if (route) return route.handler(req, res);
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify({ error: 'not found' }));
  });
  // Probes come every few seconds; idle keep-alive sockets must not hold the process at shutdown.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
