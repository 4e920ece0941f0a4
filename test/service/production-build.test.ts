// The container image's steps, outside a container: build with dev dependencies, install only production ones
// beside dist/, then run `node dist/main.js` against the EM simulator and the Slack stand-in and use it as Slack
// and a load balancer would: a signed `/veeam jobs`, /healthz, /readyz, the HEALTHCHECK script, SIGTERM.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { SlackUserAgent } from '../../src/slack-standin/slack-user.js';
import { waitFor } from '../support/wait-for.js';

const REPO = process.cwd();
const SIGNING_SECRET = 'prod-build-signing-secret';
const BOT_TOKEN = 'xoxb-prod-build-token';
const EM = { username: 'svc-chatops', password: 'Prod-Build-Pa55' };
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

function startBuiltBot(dir: string): ChildProcess {
  const started = spawn(process.execPath, ['dist/main.js'], {
    cwd: dir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
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
  return started;
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
  it('answers a signed /veeam jobs, /healthz, /readyz and the HEALTHCHECK script, and stops on SIGTERM', async () => {
    process.stdout.write(`production dependencies: ${installedBy}\n`);
    expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'tsx'))).toBe(false);

    child = startBuiltBot(app);
    const exited = new Promise<number | null>((resolve) => child?.on('exit', (code) => resolve(code)));
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
    const ready = await waitFor(
      async () => {
        const res = await get(`${base}/readyz`);
        return res.status === 200 ? res : undefined;
      },
      { what: '/readyz to answer 200 after the first readiness check' },
    );
    expect(JSON.parse(ready.body)).toMatchObject({ status: 'ready' });

    const healthcheck = spawnSync(process.execPath, ['dist/health/healthcheck.js'], {
      cwd: app,
      env: { PATH: process.env.PATH, PORT: String(port) },
      timeout: 10_000,
    });
    expect(healthcheck.status).toBe(0);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    // Every line is one JSON object, and no secret reached any of them.
    expect(logLines().length).toBeGreaterThan(3);
    for (const secret of [BOT_TOKEN, SIGNING_SECRET, EM.password]) {
      expect(stderr).not.toContain(secret);
    }
  }, 60_000);
});
