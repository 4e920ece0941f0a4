// `node dist/health/healthcheck.js`: the container's HEALTHCHECK (node:20-slim has no curl). Exit 0 when /healthz
// answers 200 on the port main.ts serves it on: PORT in HTTP mode, HEALTH_PORT in Socket Mode.

// The same settings main.ts reads: the environment, or .env / DOTENV_CONFIG_PATH.
import 'dotenv/config';
import { request } from 'node:http';
import { DEFAULT_HEALTH_PORT } from './health-port.js';

const TIMEOUT_MS = 3_000;

function healthPort(env: NodeJS.ProcessEnv): number {
  if (env.SLACK_APP_TOKEN?.trim()) return Number(env.HEALTH_PORT?.trim() || DEFAULT_HEALTH_PORT);
  return Number(env.PORT?.trim() || 3000);
}

const port = healthPort(process.env);
if (port === 0) {
  // HEALTH_PORT=0: the operator turned the endpoint off; there is nothing to ask, so nothing can be unhealthy.
  process.exit(0);
}
const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: TIMEOUT_MS }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timeout')));
req.on('error', (error) => {
  process.stderr.write(`healthcheck: ${error.message}\n`);
  process.exit(1);
});
req.end();
