// Runs the Task watcher and the incident monitor only while this replica leads, and is the watch sink every Slack
// listener uses: on the leader a watch goes to the watcher, elsewhere into the shared store's inbox, which the
// leader empties every poll interval. A new term starts from what the store holds (fresh watcher and monitor, so
// nothing a replica remembered from an earlier term can overwrite a later leader's work).

import type { Logger } from './log/logger.js';
import type { IncidentMonitor } from './notify/incident-monitor.js';
import type { Leadership } from './state/leader-lease.js';
import type { StateStore } from './state/state-store.js';
import { TaskCancelRefused } from './watch/task-cancel-refused.js';
import type { TaskWatcher } from './watch/task-watcher.js';
import type { TaskWatchSink, WatchOptions, WatchSpec } from './watch/types.js';
import { newWatchRecord, restoreWatches } from './watch/watch-record.js';

/** A watch started on a replica that does not lead, waiting in the store for the leader's watcher. */
export interface HandedOffWatch {
  spec: WatchSpec;
  options?: WatchOptions;
}

interface LeaderDutiesDeps {
  leadership: Leadership;
  store: StateStore;
  newWatcher(): TaskWatcher;
  newMonitor(): IncidentMonitor | undefined;
  logger: Logger;
  /** How often the leader takes the watches other replicas handed off (the watcher's poll interval). */
  intakeMs: number;
}

export class LeaderDuties implements TaskWatchSink {
  private current: TaskWatcher;
  private currentMonitor: IncidentMonitor | undefined;
  private leading = false;
  private shuttingDown = false;
  /** Gains and losses are applied one after the other, in the order the lease reported them. */
  private chain: Promise<void> = Promise.resolve();
  private intake: NodeJS.Timeout | undefined;
  private readonly store: StateStore;

  constructor(private readonly deps: LeaderDutiesDeps) {
    this.store = deps.store;
    // A section write refused by the fence: a newer leader exists, whatever our lease still says.
    this.store.onFenced = () => this.enqueue(() => this.standDown());
    // Dormant until a term starts: its stats read zero, nothing is handed to it.
    this.current = deps.newWatcher();
    deps.leadership.subscribe({
      gained: (token) => this.enqueue(() => this.lead(token)),
      lost: () => this.enqueue(() => this.standDown()),
    });
  }

  get watcher(): TaskWatcher {
    return this.current;
  }

  get monitor(): IncidentMonitor | undefined {
    return this.currentMonitor;
  }

  get isLeading(): boolean {
    return this.leading;
  }

  /** Starts competing for the lease; resolves once a term that started at once (the state file's) is running. */
  async start(): Promise<void> {
    this.deps.leadership.start();
    await this.chain;
  }

  /** Shutdown: the parts stop and save while this replica still leads, then the lease is released. */
  async stop(within: (work: Promise<unknown>, what: string) => Promise<void>): Promise<void> {
    this.shuttingDown = true;
    await this.chain;
    clearInterval(this.intake);
    await Promise.all([
      this.currentMonitor ? within(this.currentMonitor.stop(), 'incident monitor') : undefined,
      within(this.current.stop(), 'task watcher'),
    ]);
    await this.store.flush();
    this.leading = false;
    await this.deps.leadership.stop();
  }

  watch(spec: WatchSpec, options?: WatchOptions): void {
    // The state file has one replica: it always leads, and nobody would take a handed-off watch.
    if (this.leading || this.store.kind === 'file') {
      this.current.watch(spec, options);
      return;
    }
    this.store.handOffWatch({ spec, options }).catch((error: unknown) =>
      this.deps.logger.error('could not hand the watch to the leader; its result will not be posted', {
        taskId: spec.taskId,
        error,
      }),
    );
  }

  cancel(taskId: string, byUser: string): Promise<void> {
    // Only the leader's watcher knows the live Task; another replica refuses before deleting anything.
    if (!this.leading) return Promise.reject(new TaskCancelRefused('not-watched', taskId));
    return this.current.cancel(taskId, byUser);
  }

  checkCancel(taskId: string, card?: { watchKey?: string }): Promise<TaskCancelRefused | undefined> {
    if (!this.leading) return Promise.resolve(new TaskCancelRefused('not-watched', taskId));
    return this.current.checkCancel(taskId, card);
  }

  private enqueue(step: () => Promise<void>): void {
    this.chain = this.chain
      .then(step)
      .catch((error: unknown) => this.deps.logger.error('could not switch leader duties', { error }));
  }

  private async lead(token: number): Promise<void> {
    if (this.shuttingDown || !this.deps.leadership.isLeader) return;
    this.store.setFence(this.store.kind === 'file' ? undefined : token);
    await this.store.load();
    // A loss reported while the store loaded is queued behind us and stops what starts here.
    this.current = this.deps.newWatcher();
    this.currentMonitor = this.deps.newMonitor();
    this.leading = true;
    this.current.start();
    this.currentMonitor?.start();
    if (this.store.kind !== 'file') {
      await this.takeHandedOff();
      this.intake = setInterval(() => void this.takeHandedOff(), this.deps.intakeMs);
      this.intake.unref();
    }
  }

  /** The lease is gone: stop at once; whatever the old parts still try to write, the fence refuses. */
  private async standDown(): Promise<void> {
    if (!this.leading || this.shuttingDown) return;
    this.leading = false;
    clearInterval(this.intake);
    this.intake = undefined;
    const watcher = this.current;
    const monitor = this.currentMonitor;
    this.currentMonitor = undefined;
    this.current = this.deps.newWatcher();
    await Promise.all([watcher.stop(), monitor?.stop()]);
  }

  private async takeHandedOff(): Promise<void> {
    if (!this.leading) return;
    let handed: unknown[];
    try {
      handed = await this.store.takeHandedOffWatches();
    } catch (error) {
      this.deps.logger.warn('could not take handed-off watches; trying again next round', { error });
      return;
    }
    for (const record of handed) {
      const watch = readHandedOffWatch(record);
      if (watch === undefined) this.deps.logger.warn('dropped an unreadable handed-off watch');
      else this.current.watch(watch.spec, watch.options);
    }
    // Saved before anything else: they left the inbox, so the watches section is now their only record.
    if (handed.length > 0) await this.store.flush();
  }
}

/** A record from the shared inbox, checked like a saved watch (another version's replica may have written it). */
function readHandedOffWatch(record: unknown): HandedOffWatch | undefined {
  if (typeof record !== 'object' || record === null) return undefined;
  const { spec, options } = record as { spec?: unknown; options?: unknown };
  try {
    const probe = JSON.parse(JSON.stringify(newWatchRecord(spec as WatchSpec, 0, 1)));
    const [checked] = restoreWatches({ version: 1, watches: [probe] }).records;
    if (checked === undefined) return undefined;
    const note = (options as WatchOptions | undefined)?.runningParent?.note;
    const running = (options as WatchOptions | undefined)?.runningParent !== undefined;
    return {
      spec: checked.spec,
      options: running ? { runningParent: typeof note === 'string' ? { note } : {} } : undefined,
    };
  } catch {
    return undefined;
  }
}
