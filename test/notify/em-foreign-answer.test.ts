// A proxy's or sign-on gateway's page answered with 200 in front of EM is an outage for the monitor (the usual
// "EM down" post after its threshold, "back" when EM answers again, then what ended meanwhile), never "no news":
// against the simulator's proxyPage knob, through the real EmClient and the fake Slack Web API.

import { afterEach, beforeEach, expect, it } from 'vitest';
import { OUTAGE_POLLS } from '../../src/notify/em-outage.js';
import { SIM_JOB_IDS } from '../../src/sim/seed-ids.js';
import { messageText } from '../../src/slack-standin/slack-user.js';
import { CHANNEL, type NotifyKit, startNotifyKit } from './notify-kit.js';

let kit: NotifyKit;

beforeEach(async () => {
  kit = await startNotifyKit();
});

afterEach(() => kit.close());

const posts = () => kit.slack.topLevel(CHANNEL);

it('posts that EM is down after the usual failed polls when a login page answers 200, and reports what ended meanwhile', async () => {
  const { monitor } = kit.startMonitor();
  await monitor.pollOnce();
  kit.sim.knobs.proxyPage = { count: 100_000, path: /\/query\?/ };
  kit.failure(SIM_JOB_IDS.linuxWeb, 'Failed behind the proxy');
  for (let poll = 1; poll < OUTAGE_POLLS; poll += 1) await monitor.pollOnce();
  expect(posts()).toHaveLength(0);
  await monitor.pollOnce();
  expect(posts()).toHaveLength(1);
  expect(messageText(posts()[0])).toContain("not Enterprise Manager's answer");

  kit.sim.knobs.proxyPage = undefined;
  await monitor.pollOnce();
  expect(posts()).toHaveLength(3);
  expect(messageText(posts()[1])).toContain('answers again');
  expect(messageText(posts()[2])).toContain('Failed behind the proxy');
});
