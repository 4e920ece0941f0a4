// The container image's steps, outside a container: build with dev dependencies, install only production ones
// beside dist/, then run `node dist/main.js` against the EM simulator and the Slack stand-in and use it as Slack
// and a load balancer would, in HTTP mode and in Socket Mode: commands, /healthz, /readyz, the HEALTHCHECK script,
// SIGTERM.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { SlackUserAgent } from '../../src/slack-standin/slack-user.js';
import { FakeSocketModeServer } from '../support/fake-socket-mode.js';
import { assertNoSecretLogged, processSecrets } from '../support/log-secrets.js';
import { waitFor } from '../support/wait-for.js';

const REPO = process.cwd();
const SIGNING_SECRET = 'prod-build-signing-secret';
const BOT_TOKEN = 'xoxb-prod-build-token';
const APP_TOKEN = 'xapp-1-prod-build-app-token';
const EM = { username: 'svc-chatops', password: 'Prod-Build-Pa55' };
/** Every secret either run of the built bot is given, for the suite's log check. */
const BUILT_BOT_SECRETS = {
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_APP_TOKEN: APP_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  VEEAM_EM_USERNAME: EM.username,
  VEEAM_EM_PASSWORD: EM.password,
};
const dispatcher = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });

let app: string;
let sim: EmSimulator;
let slack: FakeSlackApi;
let child: ChildProcess | undefined;
let stderr = '';
let installedBy: 'npm ci --omit=dev --offline' | 'copied production packages';

/** `npm run build`, then package.json, the lockfile and dist/ into a fresh directory, as the image's last stage. */
function buildAndStage(): string {
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO, encoding: 'utf8' });
  expect(build.status, `npm run build failed:\n${build.stdout}${build.stderr}`).toBe(0);
  const dir = mkdtempSync(join(tmpdir(), 'veeam-chatops-prod-'));
  for (const file of ['package.json', 'package-lock.json']) cpSync(join(REPO, file), join(dir, file));
  cpSync(join(REPO, 'dist'), join(dir, 'dist'), { recursive: true });
  return dir;
}

/**
 * `npm ci --omit=dev --offline` when npm's cache holds every package; otherwise (a cold cache, as in CI) the
 * production packages the lockfile names are copied from the repo's node_modules, and no dev package, so an
 * import of a dev dependency at run time fails here just as it would in the image.
 */
function installProductionDependencies(dir: string): typeof installedBy {
  const ci = spawnSync(
    'npm',
    ['ci', '--omit=dev', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'],
    {
      cwd: dir,
      encoding: 'utf8',
      timeout: 30_000,
    },
  );
  if (ci.status === 0) return 'npm ci --omit=dev --offline';
  rmSync(join(dir, 'node_modules'), { recursive: true, force: true });
  const lock = JSON.parse(readFileSync(join(dir, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; link?: boolean }>;
  };
  const source = realpathSync(join(REPO, 'node_modules'));
  for (const [path, entry] of Object.entries(lock.packages)) {
    // Top-level packages only: a nested node_modules comes along inside its parent.
    if (!path.startsWith('node_modules/') || path.lastIndexOf('node_modules/') !== 0) continue;
    if (entry.dev || entry.link) continue;
    const from = join(source, path.slice('node_modules/'.length));
    if (!existsSync(from)) continue; // an optional package for another platform
    mkdirSync(join(dir, path, '..'), { recursive: true });
    cpSync(from, join(dir, path), { recursive: true, dereference: true });
  }
  return 'copied production packages';
}

interface BuiltBot {
  child: ChildProcess;
  exited: Promise<number | null>;
}

/** `node dist/main.js` in the staged directory; `mode` holds the Slack transport's variables. */
function startBuiltBot(dir: string, mode: Record<string, string>): BuiltBot {
  stderr = '';
  const started = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      ...mode,
      SLACK_API_URL: slack.url,
      VEEAM_EM_URL: sim.url,
      VEEAM_EM_USERNAME: EM.username,
      VEEAM_EM_PASSWORD: EM.password,
      VEEAM_OPERATORS: 'UOPER1',
      VEEAM_STATE_FILE: join(dir, 'state', 'state.json'),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  started.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child = started;
  return { child: started, exited: new Promise((resolve) => started.on('exit', (code) => resolve(code))) };
}

function runHealthcheckScript(env: Record<string, string>): number | null {
  return spawnSync(process.execPath, ['dist/health/healthcheck.js'], {
    cwd: app,
    env: { PATH: process.env.PATH, ...env },
    timeout: 10_000,
  }).status;
}

async function waitUntilReady(base: string): Promise<{ status: number; body: string }> {
  return waitFor(
    async () => {
      const res = await get(`${base}/readyz`);
      return res.status === 200 ? res : undefined;
    },
    { what: '/readyz to answer 200 after the first readiness check' },
  );
}

/** SIGTERM: exit 0; every line was one JSON object, and no secret reached any of them. */
async function stopAndCheckLog(bot: BuiltBot, secrets: string[]): Promise<void> {
  bot.child.kill('SIGTERM');
  expect(await bot.exited).toBe(0);
  expect(logLines().length).toBeGreaterThan(3);
  for (const secret of secrets) expect(stderr).not.toContain(secret);
  assertNoSecretLogged(stderr.split('\n'), processSecrets(BUILT_BOT_SECRETS, sim));
}

/** A port free a moment ago, for HEALTH_PORT (0 there means off, so the bot cannot pick one itself). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function logLines(): Record<string, unknown>[] {
  return stderr
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function get(url: string): Promise<{ status: number; body: string }> {
  const res = await request(url, { dispatcher });
  return { status: res.statusCode, body: await res.body.text() };
}

beforeAll(async () => {
  app = buildAndStage();
  installedBy = installProductionDependencies(app);
  mkdirSync(join(app, 'state'));
  sim = await startEmSimulator({ ...EM, taskDurationMs: 100, backupDurationMs: 300 });
  slack = new FakeSlackApi();
  await slack.listen();
}, 90_000);

afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await slack?.close();
  await sim?.close();
  await dispatcher.close();
  if (app) rmSync(app, { recursive: true, force: true });
});

describe('the production build (node dist/main.js with production dependencies only)', () => {
  it('HTTP mode: answers a signed /veeam jobs, /healthz, /readyz and the HEALTHCHECK script; stops on SIGTERM', async () => {
    process.stdout.write(`production dependencies: ${installedBy}\n`);
    expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);

    const bot = startBuiltBot(app, { SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0' });
    const port = await waitFor(
      () => logLines().find((l) => l.msg === 'bot started')?.port as number | undefined,
      {
        timeoutMs: 20_000,
        what: `the built bot to log "bot started" (stderr so far: ${stderr.slice(-500)})`,
      },
    );
    const base = `http://127.0.0.1:${port}`;

    const user = new SlackUserAgent(`${base}/slack/events`, SIGNING_SECRET, slack, dispatcher);
    expect((await user.command('jobs', 'UOPER1', 'COPS1')).status).toBe(200);
    const answer = await waitFor(() => slack.ephemerals.find((e) => e.text.includes('Server Backup')), {
      what: 'the job list answered to /veeam jobs',
    });
    expect(answer.via).toBe('response_url');

    expect(await get(`${base}/healthz`)).toMatchObject({ status: 200 });
    expect(JSON.parse((await waitUntilReady(base)).body)).toMatchObject({ status: 'ready' });
    expect(runHealthcheckScript({ PORT: String(port) })).toBe(0);

    await stopAndCheckLog(bot, [BOT_TOKEN, SIGNING_SECRET, EM.password]);
    // With nothing listening the script reports unhealthy.
    expect(runHealthcheckScript({ PORT: String(port) })).toBe(1);
  }, 60_000);

  it('Socket Mode: connects out, serves /healthz and /readyz on HEALTH_PORT, and the HEALTHCHECK script finds them', async () => {
    const socket = await FakeSocketModeServer.start();
    slack.socketModeUrl = socket.url;
    try {
      const healthPort = await freePort();
      const bot = startBuiltBot(app, { SLACK_APP_TOKEN: APP_TOKEN, HEALTH_PORT: String(healthPort) });
      await waitFor(() => socket.connected, { timeoutMs: 20_000, what: 'the built bot to open Socket Mode' });
      await waitFor(
        () => logLines().find((l) => l.msg === 'health endpoints listening' && l.port === healthPort),
        {
          what: 'the health server on HEALTH_PORT',
        },
      );
      const base = `http://127.0.0.1:${healthPort}`;
      expect(await get(`${base}/healthz`)).toMatchObject({ status: 200 });
      expect(JSON.parse((await waitUntilReady(base)).body)).toMatchObject({ status: 'ready' });
      expect(runHealthcheckScript({ SLACK_APP_TOKEN: 'set', HEALTH_PORT: String(healthPort) })).toBe(0);

      await stopAndCheckLog(bot, [BOT_TOKEN, APP_TOKEN, EM.password]);
    } finally {
      await socket.close();
    }
  }, 60_000);
});
