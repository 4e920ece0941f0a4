// GET /metrics in Prometheus' text format, served beside /healthz and /readyz (Bolt's customRoutes or the health
// server). Counters and gauges only: no token, URL or user text is ever in a label.

import type { HealthRoute } from '../health/health-routes.js';
import type { Metrics } from './metrics.js';

export function metricsRoute(metrics: Metrics): HealthRoute {
  return {
    path: '/metrics',
    method: 'GET',
    handler: (_req, res) => {
      metrics.text().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
          res.end(text);
        },
        () => {
          res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
          res.end('metrics unavailable\n');
        },
      );
    },
  };
}
