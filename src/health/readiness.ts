// Readiness: whether EM, Slack and the state store worked at the last check. Checks run on a timer (and on
// demand), so /readyz answers from memory and a load balancer polling it never adds load on EM or Slack.

import type { Logger } from '../log/logger.js';

/** One dependency the bot cannot work without. `check` throws when it is down; `explain` says so without secrets. */
export interface ReadinessProbe {
  name: string;
  check(): Promise<void>;
  /** A short reason for the health body: no URL, host, user name or token, since anyone reaching the port reads it. */
  explain(error: unknown): string;
}

export type PartStatus = 'up' | 'down' | 'unknown';

export interface ReadinessReport {
  ready: boolean;
  /** ISO time of the last completed check; absent before the first. */
  checkedAt?: string;
  parts: Record<string, { status: PartStatus; reason?: string }>;
}

export interface ReadinessOptions {
  probes: readonly ReadinessProbe[];
  logger: Logger;
  /** How often the timer checks (default 30 s). */
  intervalMs?: number;
  /** A probe that takes longer counts as down (default 10 s): a hung EM must not leave the last "up" standing. */
  probeTimeoutMs?: number;
  now?: () => number;
}

export class Readiness {
  private current: ReadinessReport;
  private running: Promise<ReadinessReport> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly intervalMs: number;
  private readonly probeTimeoutMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ReadinessOptions) {
    this.intervalMs = options.intervalMs ?? 30_000;
    this.probeTimeoutMs = options.probeTimeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
    const parts = Object.fromEntries(
      options.probes.map((p) => [p.name, { status: 'unknown' as const, reason: 'not checked yet' }]),
    );
    this.current = { ready: false, parts };
  }

  /** The last check's outcome (not ready until a first check has passed). */
  report(): ReadinessReport {
    return this.current;
  }

  /** Checks every part now, in parallel; a call while a check runs shares that check. */
  checkNow(): Promise<ReadinessReport> {
    this.running ??= this.runChecks().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** A first check at once, then one per interval. */
  start(): void {
    void this.checkNow();
    this.timer = setInterval(() => void this.checkNow(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async runChecks(): Promise<ReadinessReport> {
    const results = await Promise.all(this.options.probes.map((probe) => this.runProbe(probe)));
    const parts = Object.fromEntries(results);
    const next: ReadinessReport = {
      ready: results.every(([, part]) => part.status === 'up'),
      checkedAt: new Date(this.now()).toISOString(),
      parts,
    };
    this.current = next;
    return next;
  }

  private async runProbe(probe: ReadinessProbe): Promise<[string, { status: PartStatus; reason?: string }]> {
    const before = this.current.parts[probe.name]?.status;
    try {
      await this.withinTimeout(probe.check());
      if (before === 'down') this.options.logger.info('readiness: back up', { part: probe.name });
      return [probe.name, { status: 'up' }];
    } catch (error) {
      const reason = error instanceof ProbeTimeout ? error.message : probe.explain(error);
      // Logged on the change only: a part down for an hour is one line, not one per check.
      if (before !== 'down') this.options.logger.warn('readiness: down', { part: probe.name, reason, error });
      return [probe.name, { status: 'down', reason }];
    }
  }

  private async withinTimeout(work: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ProbeTimeout(`no answer within ${this.probeTimeoutMs / 1000} s`)),
        this.probeTimeoutMs,
      );
    });
    try {
      await Promise.race([work, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}

class ProbeTimeout extends Error {}
