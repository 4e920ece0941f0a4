// GET /metrics over HTTP on the real bot (harness: signed requests, the EM simulator, the fake Slack Web API):
// a command, an EM error and a Slack 429 each show in their counter, with bounded labels only.

import { readFileSync } from 'node:fs';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../support/harness.js';

const dispatcher = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
  await dispatcher.close();
});

async function scrape(): Promise<{ status: number; type: string; text: string }> {
  const res = await request(`${h.botUrl}/metrics`, { dispatcher });
  return { status: res.statusCode, type: String(res.headers['content-type']), text: await res.body.text() };
}

/** The value of the sample `name{labels}` (labels in prom-client's order), or 0 when it is not there yet. */
function sample(text: string, name: string, labels: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

async function sampleAtLeast(name: string, labels: string, min: number): Promise<number> {
  let value = 0;
  await h.waitFor(async () => {
    value = sample((await scrape()).text, name, labels);
    return value >= min;
  });
  return value;
}

describe('GET /metrics', () => {
  it('answers Prometheus text with the veeam_chatops_ prefix and default process metrics', async () => {
    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(text).toContain('# TYPE veeam_chatops_process_cpu_seconds_total counter');
    expect(text).toContain('# TYPE veeam_chatops_em_requests_total counter');
    expect(text).toContain('veeam_chatops_approvals_pending 0');
    expect(text).not.toContain('xoxb-');
  });

  it('counts a signed /veeam jobs command and the EM requests it made', async () => {
    const before = sample(
      (await scrape()).text,
      'veeam_chatops_slack_requests_total',
      'kind="slash_command"',
    );
    const res = await h.command('jobs');
    expect(res.status).toBe(200);
    await sampleAtLeast('veeam_chatops_slack_requests_total', 'kind="slash_command"', before + 1);
    const { text } = await scrape();
    expect(text).toMatch(
      /veeam_chatops_em_requests_total\{route="GET \/query\?type=[A-Za-z]+",status="200"\} \d+/,
    );
    expect(text).toMatch(/veeam_chatops_em_request_duration_seconds_bucket\{le="\+Inf",route="[^"]+"\} \d+/);
  });

  it('counts an EM error with its status, under a route template without IDs', async () => {
    h.sim.knobs.forceStatus = { status: 503, count: 1, message: 'Unavailable (simulated)' };
    await h.command('jobs');
    await h.waitFor(async () =>
      /em_requests_total\{route="[^"]+",status="503"\} [1-9]/.test((await scrape()).text),
    );
    const routes = [...(await scrape()).text.matchAll(/route="([^"]+)"/g)].map((m) => m[1]);
    for (const route of routes) expect(route).toMatch(/^(GET|POST|DELETE) \/[A-Za-z{}/]*(\?[A-Za-z=&]+)?$/);
  });

  it('counts a Slack 429 and the wait Slack asked for, then the call and the action that went through', async () => {
    h.slack.failNext('chat.postMessage', { status: 429, retryAfterSeconds: 1 });
    await h.command('start Server Backup');
    await sampleAtLeast('veeam_chatops_slack_api_calls_total', 'method="chat.postMessage",outcome="ok"', 1);
    const { text } = await scrape();
    expect(sample(text, 'veeam_chatops_slack_rate_limited_total', 'method="chat.postMessage"')).toBe(1);
    expect(
      sample(text, 'veeam_chatops_slack_rate_limit_wait_seconds_total', 'method="chat.postMessage"'),
    ).toBe(1);
    await sampleAtLeast('veeam_chatops_actions_total', 'action="start",outcome="accepted"', 1);
    // The started Task is a watch, saved in the state file.
    await sampleAtLeast('veeam_chatops_state_writes_total', 'outcome="ok"', 1);
  });

  it('serves every metric the Grafana dashboard queries', async () => {
    const dashboard = readFileSync(
      new URL('../../deploy/grafana/veeam-chatops.json', import.meta.url),
      'utf8',
    );
    const names = new Set([...dashboard.matchAll(/veeam_chatops_[a-z0-9_]+/g)].map((m) => m[0]));
    const { text } = await scrape();
    for (const name of names) expect(text, name).toContain(`# TYPE ${name.replace(/_bucket$/, '')} `);
  });
});
