// GET /healthz (the process runs) and GET /readyz (EM, Slack and the state store worked at the last check), as
// routes Bolt's HTTP receiver serves beside /slack/events (customRoutes) or the health server serves alone.

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ReadinessReport } from './readiness.js';

/** The shape of Bolt's CustomRoute, without importing Bolt here. */
export interface HealthRoute {
  path: string;
  method: string;
  handler: (req: IncomingMessage, res: ServerResponse) => void;
}

export function healthRoutes(readiness: { report(): ReadinessReport }): HealthRoute[] {
  return [
    { path: '/healthz', method: 'GET', handler: (_req, res) => send(res, 200, { status: 'ok' }) },
    {
      path: '/readyz',
      method: 'GET',
      handler: (_req, res) => {
        const report = readiness.report();
        const down = Object.entries(report.parts)
          .filter(([, part]) => part.status !== 'up')
          .map(([name]) => name);
        send(res, report.ready ? 200 : 503, {
          status: report.ready ? 'ready' : 'not ready',
          ...(down.length > 0 ? { down } : {}),
          checkedAt: report.checkedAt,
          checks: report.parts,
        });
      },
    },
  ];
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
