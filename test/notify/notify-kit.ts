// Test kit for the incident monitor: the real EM simulator and EmClient over HTTP, the fake Slack Web API behind a
// real WebClient, a state file in a temp dir, and IncidentMonitors built exactly as the bot builds them.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel, WebClient } from '@slack/web-api';
import { Agent } from 'undici';
import { type Clock, systemClock } from '../../src/clock.js';
import type { NotifyConfig } from '../../src/config.js';
import { EmClient } from '../../src/em/client.js';
import { createMemoryLogger } from '../../src/log/logger.js';
import { IncidentMonitor } from '../../src/notify/incident-monitor.js';
import { SIM_DEFAULT_CREDENTIALS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import { createChannelPoster } from '../../src/slack/channel-poster.js';
import { createIncidentPublisher } from '../../src/slack/messages/incident-publisher.js';
import { FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { FileStateStore } from '../../src/state/file-state-store.js';

export const CHANNEL = 'CINCID1';
export const MINUTE = 60_000;

export interface NotifyKitOptions {
  /** Config every startMonitor() of this kit starts from (a call's own config still wins). */
  monitor?: Partial<NotifyConfig>;
}

export interface Monitored {
  monitor: IncidentMonitor;
  store: FileStateStore;
}

export class NotifyKit {
  readonly logger = createMemoryLogger('debug');
  readonly dir = mkdtempSync(join(tmpdir(), 'notify-test-'));
  readonly em: EmClient;
  readonly web: WebClient;
  private readonly pool = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
  private running: IncidentMonitor[] = [];

  private constructor(
    readonly sim: EmSimulator,
    readonly slack: FakeSlackApi,
    private readonly defaults: Partial<NotifyConfig>,
  ) {
    this.em = new EmClient({
      config: { url: sim.url, ...SIM_DEFAULT_CREDENTIALS, insecureTls: false, timeoutMs: 2_000 },
      logger: this.logger,
      dispatcher: this.pool,
    });
    this.web = new WebClient('xoxb-test', {
      slackApiUrl: slack.url,
      retryConfig: { retries: 3, minTimeout: 10, maxTimeout: 50 },
      logLevel: LogLevel.ERROR,
    });
  }

  static async start(options: NotifyKitOptions = {}): Promise<NotifyKit> {
    const sim = await startEmSimulator({ taskDurationMs: 100, backupDurationMs: 300 });
    // Veeam's own retries off, so a failure reads and pages as on a job without retries; tests of attempts turn
    // them on for their job (sim.setRetryOptions).
    for (const job of sim.listJobs()) sim.setRetryOptions(job.id, { specified: false });
    const slack = new FakeSlackApi();
    await slack.listen();
    return new NotifyKit(sim, slack, options.monitor ?? {});
  }

  /**
   * A monitor on the state file in this kit's directory, started as the bot starts it. `clock` (default the system
   * clock, as the simulator's) lets a test take the first-start baseline in the past, then move to now.
   */
  startMonitor(config: Partial<NotifyConfig> = {}, clock: Clock = systemClock): Monitored {
    const store = new FileStateStore(join(this.dir, 'state.json'), this.logger);
    store.loadNow();
    const monitor = new IncidentMonitor({
      em: this.em,
      publisher: createIncidentPublisher(createChannelPoster(this.web), this.logger),
      store,
      logger: this.logger,
      clock,
      config: {
        incidentChannel: CHANNEL,
        // An hour between timer polls: the tests drive every poll themselves.
        monitorIntervalSeconds: 3_600,
        notifyWarnings: false,
        mentionOn: 'final',
        ...this.defaults,
        ...config,
      },
    });
    monitor.start();
    this.running.push(monitor);
    return { monitor, store };
  }

  /** Stops a monitor the way the bot does (stop, then the store is flushed), ready for a new one on the same file. */
  async stopMonitor(monitor: IncidentMonitor, store: FileStateStore): Promise<void> {
    await monitor.stop();
    await store.flush();
    this.running = this.running.filter((m) => m !== monitor);
  }

  /** A Failed session that ended at `end` (epoch ms, default now) after running `durationMs`. */
  failure(jobId: string, message: string, end = Date.now(), durationMs = 10 * MINUTE) {
    return this.sim.addSession({
      jobId,
      state: 'Stopped',
      result: 'Failed',
      failureMessage: message,
      creationTime: end - durationMs,
      endTime: end,
    });
  }

  /** A Success session that ended now after running `durationMs`. */
  success(jobId: string, durationMs = 5 * MINUTE) {
    const end = Date.now();
    return this.sim.addSession({
      jobId,
      state: 'Stopped',
      result: 'Success',
      creationTime: end - durationMs,
      endTime: end,
    });
  }

  async close(): Promise<void> {
    for (const monitor of this.running) await monitor.stop();
    await this.em.close();
    await this.pool.close();
    await this.sim.close();
    await this.slack.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function startNotifyKit(options: NotifyKitOptions = {}): Promise<NotifyKit> {
  return NotifyKit.start(options);
}
