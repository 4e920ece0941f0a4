// Test kit for the watcher: the real EM simulator and EmClient over HTTP, the fake Slack Web API behind a real
// WebClient, a state file in a temp dir, and a TaskWatcher built exactly as the bot builds it.

import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogLevel, WebClient } from '@slack/web-api';
import { Agent } from 'undici';
import { type Clock, systemClock } from '../../src/clock.js';
import type { WatchConfig } from '../../src/config.js';
import { EmClient } from '../../src/em/client.js';
import type { JobKind, Task } from '../../src/em/types.js';
import { createMemoryLogger, type Logger } from '../../src/log/logger.js';
import { jobActionFor } from '../../src/ops/offered-actions.js';
import { SIM_DEFAULT_CREDENTIALS } from '../../src/sim/seed-ids.js';
import { type EmSimulator, startEmSimulator } from '../../src/sim/simulator.js';
import type { SimOptions } from '../../src/sim/types.js';
import { createChannelPoster } from '../../src/slack/channel-poster.js';
import { taskRunningMessage } from '../../src/slack/messages/task.js';
import { createTaskPublisher } from '../../src/slack/messages/task-publisher.js';
import { type FakeMessage, FakeSlackApi } from '../../src/slack-standin/fake-slack-api.js';
import { FileStateStore } from '../../src/state/file-state-store.js';
import { TaskWatcher, type TaskWatcherTuning } from '../../src/watch/task-watcher.js';
import type { WatchSpec, WatchTarget } from '../../src/watch/types.js';
import type { WatchRecord } from '../../src/watch/watch-record.js';
import { waitFor } from '../support/wait-for.js';

export const CHANNEL = 'COPS1';
export const OPERATOR = 'UOPER1';
export const APPROVER = 'UAPPR1';

export interface KitOptions {
  sim?: SimOptions;
  watch?: Partial<WatchConfig>;
  tuning?: TaskWatcherTuning;
  /** The watcher's clock (default the system clock); a test that moves it calls watcher.pollNow(). */
  clock?: Clock;
}

export interface Started {
  spec: WatchSpec;
  task: Task;
  /** The bot-style parent message (taskRunningMessage) the results thread under. */
  parent: () => FakeMessage;
  /** Replies in the parent's thread, in order. */
  replies: () => FakeMessage[];
}

export class WatchKit {
  watcher!: TaskWatcher;
  store!: FileStateStore;
  readonly logger: Logger & { lines: Record<string, unknown>[] } = createMemoryLogger('debug');
  readonly stateFile: string;
  private readonly dir: string;
  private agent = new Agent({ keepAliveTimeout: 10, keepAliveMaxTimeout: 10 });
  private readonly emClients: EmClient[] = [];

  private constructor(
    readonly sim: EmSimulator,
    readonly fake: FakeSlackApi,
    readonly slack: WebClient,
    public em: EmClient,
    readonly config: WatchConfig,
    private readonly tuning: TaskWatcherTuning | undefined,
    private readonly clock: Clock,
  ) {
    this.dir = mkdtempSync(join(tmpdir(), 'watcher-test-'));
    this.stateFile = join(this.dir, 'state.json');
    this.config = { ...config, stateFile: this.stateFile };
  }

  static async start(options: KitOptions = {}): Promise<WatchKit> {
    const sim = await startEmSimulator({ taskDurationMs: 100, backupDurationMs: 300, ...options.sim });
    const fake = new FakeSlackApi();
    await fake.listen();
    const slack = new WebClient('xoxb-test', {
      slackApiUrl: fake.url,
      retryConfig: { retries: 5, minTimeout: 10, maxTimeout: 50 },
      logLevel: LogLevel.ERROR,
    });
    const config: WatchConfig = { pollIntervalMs: 50, timeoutMinutes: 5, stateFile: '', ...options.watch };
    const kit = new WatchKit(
      sim,
      fake,
      slack,
      undefined as unknown as EmClient,
      config,
      options.tuning,
      options.clock ?? systemClock,
    );
    kit.em = kit.newEmClient();
    kit.buildWatcher();
    kit.watcher.start();
    return kit;
  }

  /** A second EmClient is a second logon session: it does not see the first one's Tasks (em-api.md fact 7). */
  newEmClient(): EmClient {
    const client = new EmClient({
      config: {
        url: this.sim.url,
        username: SIM_DEFAULT_CREDENTIALS.username,
        password: SIM_DEFAULT_CREDENTIALS.password,
        insecureTls: false,
        timeoutMs: 5_000,
      },
      logger: this.logger,
      dispatcher: this.agent,
    });
    this.emClients.push(client);
    return client;
  }

  /** A StateStore loaded from the state file and a watcher on it, as createBot does (not started). */
  buildWatcher(config: WatchConfig = this.config): TaskWatcher {
    this.store = new FileStateStore(this.stateFile, this.logger);
    this.store.loadNow();
    const logger = this.logger.child({ component: 'watcher' });
    this.watcher = new TaskWatcher({
      em: this.em,
      publisher: createTaskPublisher(createChannelPoster(this.slack), logger),
      store: this.store,
      logger,
      clock: this.clock,
      config,
      tuning: this.tuning,
    });
    return this.watcher;
  }

  /** Stop the watcher (state saved), then a new store + watcher on the same file, started. */
  async restart(options: { newLogon?: boolean } = {}): Promise<void> {
    await this.watcher.stop();
    if (options.newLogon) this.em = this.newEmClient();
    this.buildWatcher();
    this.watcher.start();
  }

  /**
   * Sends the action to EM (as the Slack surface would), posts the parent, and hands the Task to the watcher.
   * `watcherPostsRunning`: the parent is a "sending" placeholder and the watcher posts the running state (as
   * executeAction does); otherwise the parent is posted already running.
   */
  async act(
    action: WatchSpec['action'],
    target: WatchTarget,
    extra: Partial<WatchSpec> = {},
    options: { watcherPostsRunning?: boolean } = {},
  ): Promise<Started> {
    const requestedAt = Date.now();
    const task = await this.send(action, target);
    const draft: WatchSpec = {
      taskId: task.id,
      action,
      target,
      channel: CHANNEL,
      threadTs: '',
      requestedBy: OPERATOR,
      requestedAt,
      ...extra,
    };
    const running = taskRunningMessage(draft);
    const posted = await this.slack.chat.postMessage(
      options.watcherPostsRunning
        ? { channel: CHANNEL, text: `Sending ${action} to EM…` }
        : { channel: CHANNEL, text: running.text, blocks: running.blocks },
    );
    const ts = posted.ts as string;
    const spec: WatchSpec = { ...draft, threadTs: ts, parentTs: ts };
    if (options.watcherPostsRunning) this.watcher.watch(spec, { runningParent: {} });
    else this.watcher.watch(spec);
    return this.handle(spec, task);
  }

  handle(spec: WatchSpec, task: Task): Started {
    return {
      spec,
      task,
      parent: () =>
        this.fake.messages.find((m) => m.channel === spec.channel && m.ts === spec.threadTs) as FakeMessage,
      replies: () => this.fake.thread(spec.channel, spec.threadTs),
    };
  }

  /** As the Slack surface sends it: EM's own action link on the job (a backup copy syncs), or the session's Stop. */
  private async send(action: WatchSpec['action'], target: WatchTarget): Promise<Task> {
    if (action === 'session-stop') {
      if (target.kind !== 'session') throw new Error('session-stop needs a session');
      return this.em.stopSession(await this.em.getSession(target.sessionId, target.sessionKind));
    }
    if (target.kind !== 'job') throw new Error(`${action} needs a job`);
    const job = await this.em.getJob(target.jobId, target.jobKind);
    const emAction = jobActionFor(action, job);
    if (emAction === undefined) throw new Error(`no EM call for ${action}`);
    return this.em.runJobAction(job, emAction);
  }

  /** The watches in the state file as the watcher last wrote it. */
  savedWatches(): WatchRecord[] {
    return JSON.parse(readFileSync(this.stateFile, 'utf8')).watches.watches;
  }

  /** The state file's directory goes away: every write fails (as a full or lost disk would) until repaired. */
  breakStateFile(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  repairStateFile(): void {
    mkdirSync(this.dir, { recursive: true });
  }

  warnings(): Record<string, unknown>[] {
    return this.logger.lines.filter((l) => l.level === 'warn');
  }

  async close(): Promise<void> {
    await this.watcher.stop();
    for (const client of this.emClients) await client.close().catch(() => undefined);
    await this.agent.close();
    await this.fake.close();
    await this.sim.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function job(jobId: string, jobName: string, jobKind?: JobKind): WatchTarget {
  return jobKind === undefined ? { kind: 'job', jobId, jobName } : { kind: 'job', jobId, jobName, jobKind };
}

/** Waits until the watcher has nothing left to poll or post. */
export function idle(watcher: TaskWatcher, timeoutMs = 8_000): Promise<true> {
  return waitFor(
    () => {
      const s = watcher.stats();
      return s.active === 0 && s.pendingPosts === 0;
    },
    { what: 'the watcher to go idle', timeoutMs },
  );
}

export function textOf(message: FakeMessage | undefined): string {
  if (message === undefined) return '';
  return `${message.text}\n${JSON.stringify(message.blocks ?? [])}`;
}
