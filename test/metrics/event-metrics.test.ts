// The event metrics over the real boundary (signed requests to the real bot, the EM simulator, the fake Slack Web
// API, then GET /metrics): ack latency per request, notify latency per Task result, monitor polls and EM outages.

import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNELS, type Harness, startHarness } from '../support/harness.js';

const dispatcher = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
let h: Harness;

beforeAll(async () => {
  // The monitor's own timer stays out of the way (an hour); the test polls it by hand.
  h = await startHarness({
    env: { VEEAM_INCIDENT_CHANNEL: CHANNELS.incident, VEEAM_MONITOR_INTERVAL_SECONDS: '3600' },
  });
});
afterAll(async () => {
  await h.close();
  await dispatcher.close();
});

async function scrape(): Promise<string> {
  const res = await request(`${h.botUrl}/metrics`, { dispatcher });
  return res.body.text();
}

/** The value of the sample `series` (name and labels as prom-client writes them), or 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

async function waitForSample(series: string, min: number): Promise<string> {
  let text = '';
  await h.waitFor(async () => {
    text = await scrape();
    return sample(text, series) >= min;
  });
  return text;
}

describe('event metrics', () => {
  it('time each signed request to its ack, and count a refused one apart', async () => {
    const acked = 'veeam_chatops_slack_ack_duration_seconds_count{status="2xx"}';
    const refused = 'veeam_chatops_slack_ack_duration_seconds_count{status="4xx"}';
    const before = await scrape();
    expect((await h.command('jobs')).status).toBe(200);
    const bad = await h.sendSigned('command=%2Fveeam&text=jobs', 'application/x-www-form-urlencoded', {
      secret: 'not-the-signing-secret',
    });
    expect(bad.status).toBe(401);
    const text = await waitForSample(acked, sample(before, acked) + 1);
    await waitForSample(refused, sample(before, refused) + 1);
    // An ack over a socket on loopback: well inside Slack's 3 s, so in a bucket below it.
    expect(sample(text, 'veeam_chatops_slack_ack_duration_seconds_bucket{le="3",status="2xx"}')).toBe(
      sample(text, acked),
    );
    expect(sample(text, 'veeam_chatops_slack_ack_duration_seconds_sum{status="2xx"}')).toBeGreaterThan(0);
  });

  it('time a started Task from Finished in EM to its result in the thread', async () => {
    const count = 'veeam_chatops_notify_latency_seconds_count';
    const before = sample(await scrape(), count);
    await h.command('start Server Backup');
    const text = await waitForSample(count, before + 1);
    expect(sample(text, 'veeam_chatops_notify_latency_seconds_bucket{le="+Inf"}')).toBe(sample(text, count));
  });

  it('count monitor polls by outcome, and an EM outage once when it is declared', async () => {
    const monitor = h.bot.monitor;
    if (monitor === undefined) throw new Error('the monitor should run with VEEAM_INCIDENT_CHANNEL set');
    const ok = 'veeam_chatops_monitor_polls_total{outcome="ok"}';
    const down = 'veeam_chatops_monitor_polls_total{outcome="em-unreachable"}';
    const outages = 'veeam_chatops_em_outages_total';
    const before = await scrape();
    await monitor.pollOnce();
    await waitForSample(ok, sample(before, ok) + 1);

    h.sim.knobs.forceStatus = { status: 503, count: 100_000, message: 'Service is in maintenance mode.' };
    try {
      // Three failed polls in a row declare the outage (one blip is not news); more polls do not declare it again.
      for (let i = 0; i < 4; i += 1) await monitor.pollOnce();
      const text = await waitForSample(down, sample(before, down) + 4);
      expect(sample(text, outages)).toBe(sample(before, outages) + 1);
    } finally {
      h.sim.knobs.forceStatus = undefined;
    }
    await monitor.pollOnce();
    const after = await waitForSample(ok, sample(before, ok) + 2);
    expect(sample(after, outages)).toBe(sample(before, outages) + 1);
  });
});
