// Keeps each recent viewer's Home tab current: publishes on open and on paging, and when something it shows
// changes (an approval created or decided, a watch started or finished, an incident opened, grown or resolved),
// at most once per debounce interval per user and only for users who opened it recently. A cheap in-memory
// signature of those sources is compared every tick; EM is read again only when it changed or on open.

import type { SlackDeps } from '../deps.js';
import type { HomePlace } from './home-click-place.js';
import { type HomeJob, readHomeEstate } from './home-estate.js';
import type { HomeFeeds } from './home-feeds.js';
import { type HomeView, homeView } from './home-view.js';
import { SessionReasons } from './session-reasons.js';
import { WorkspaceUrl } from './thread-link.js';

export interface HomeTabTuning {
  /** At most one republish per user this often (default 2 s). */
  debounceMs?: number;
  /** How often the signature is compared (default 1 s). */
  tickMs?: number;
  /** A user who has not opened the tab for this long is no longer refreshed (default 30 min). */
  recentMs?: number;
}

/**
 * Paging and refreshes reuse an EM read this recent; an open reads afresh unless a read is under way (many users
 * opening at once cost one read). A change in what the tab shows drops the read, so a refresh reads again.
 */
const ESTATE_REUSE_MS = 60_000;

type Freshness = 'fresh' | 'reuse';

interface Viewer {
  openedAt: number;
  offset: number;
  lastPublishAt: number;
  timer?: NodeJS.Timeout;
  chain: Promise<void>;
}

export class HomeTab {
  private readonly viewers = new Map<string, Viewer>();
  private readonly reasons: SessionReasons;
  private readonly workspace: WorkspaceUrl;
  private readonly debounceMs: number;
  private readonly tickMs: number;
  private readonly recentMs: number;
  private ticker: NodeJS.Timeout | undefined;
  private signature: string | undefined;
  /** A tick reads the store (approvals): the next one waits for it rather than overlapping. */
  private ticking = false;
  private estate: { at: number; reading: boolean; jobs: Promise<HomeJob[] | undefined> } | undefined;
  private stopped = false;

  constructor(
    private readonly deps: SlackDeps,
    private readonly feeds: HomeFeeds,
    tuning: HomeTabTuning = {},
  ) {
    this.reasons = new SessionReasons(deps.em);
    this.workspace = new WorkspaceUrl(deps.slack, deps.logger);
    this.debounceMs = tuning.debounceMs ?? 2_000;
    this.tickMs = tuning.tickMs ?? 1_000;
    this.recentMs = tuning.recentMs ?? 30 * 60_000;
  }

  /** app_home_opened: publish now, and keep this user's tab current from now on. */
  opened(user: string): Promise<void> {
    return this.publishNow(user, this.visit(user), 'fresh');
  }

  /** A paging button: the same view from another job. */
  page(user: string, offset: number): Promise<void> {
    const viewer = this.visit(user);
    viewer.offset = offset;
    return this.publishNow(user, viewer);
  }

  /** The user is looking at the tab now: kept current from here on. */
  private visit(user: string): Viewer {
    const now = this.deps.clock.now();
    const viewer = this.viewers.get(user) ?? {
      openedAt: now,
      offset: 0,
      lastPublishAt: 0,
      chain: Promise.resolve(),
    };
    viewer.openedAt = now;
    this.viewers.set(user, viewer);
    this.startTicking();
    return viewer;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.ticker);
    this.ticker = undefined;
    for (const viewer of this.viewers.values()) clearTimeout(viewer.timer);
    this.viewers.clear();
  }

  private startTicking(): void {
    if (this.ticker !== undefined || this.stopped) return;
    this.ticker = setInterval(() => void this.tick(), this.tickMs);
    this.ticker.unref();
    void this.currentSignature().then((signature) => {
      this.signature ??= signature;
    });
  }

  private async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      await this.compareSources();
    } catch (error) {
      // The shared store may be away for a moment: the next tick compares again.
      this.deps.logger.debug('Home tab could not read its sources; trying again next tick', { error });
    } finally {
      this.ticking = false;
    }
  }

  private async compareSources(): Promise<void> {
    const now = this.deps.clock.now();
    for (const [user, viewer] of this.viewers) {
      if (now - viewer.openedAt > this.recentMs && viewer.timer === undefined) this.viewers.delete(user);
    }
    if (this.viewers.size === 0) {
      clearInterval(this.ticker);
      this.ticker = undefined;
      return;
    }
    const signature = await this.currentSignature();
    if (signature === this.signature) return;
    this.signature = signature;
    this.deps.logger.debug('Home tab sources changed; refreshing', { viewers: this.viewers.size });
    // What the tab shows changed: the jobs are read again too (a finished watch changed a last result).
    this.estate = undefined;
    for (const user of this.viewers.keys()) this.schedule(user);
  }

  /** Debounced: now when the last publish is old enough, else once when it is. */
  private schedule(user: string): void {
    const viewer = this.viewers.get(user);
    if (viewer === undefined || viewer.timer !== undefined) return;
    const wait = Math.max(0, viewer.lastPublishAt + this.debounceMs - this.deps.clock.now());
    viewer.timer = setTimeout(
      () => {
        viewer.timer = undefined;
        void this.publishNow(user, viewer);
      },
      Math.min(wait, this.debounceMs),
    );
    viewer.timer.unref();
  }

  /** One publish at a time per user, so an older view never lands after a newer one. */
  private publishNow(user: string, viewer: Viewer, freshness: Freshness = 'reuse'): Promise<void> {
    viewer.chain = viewer.chain.then(() => this.publish(user, viewer, freshness));
    return viewer.chain;
  }

  private async publish(user: string, viewer: Viewer, freshness: Freshness): Promise<void> {
    if (this.stopped) return;
    try {
      const view = await this.build(user, viewer.offset, freshness);
      viewer.lastPublishAt = this.deps.clock.now();
      await this.deps.slack.views.publish({ user_id: user, view });
      this.deps.logger.debug('Home tab published', { user, blocks: view.blocks.length });
    } catch (error) {
      this.deps.logger.warn('could not publish the Home tab', { user, error });
    }
  }

  private async build(user: string, offset: number, freshness: Freshness): Promise<HomeView> {
    const { deps, feeds } = this;
    const [operator, approver, jobs, workspaceUrl] = await Promise.all([
      deps.policy.mayOperate(user),
      deps.policy.mayApprove(user),
      this.readEstate(freshness),
      this.workspace.get(),
    ]);
    const now = deps.clock.now();
    const approvals = approver.ok
      ? (await deps.approvals.all()).filter(
          (a) => a.status === 'pending' && now < a.expiresAt && a.requestedBy !== user,
        )
      : [];
    const incidents = feeds.incidents();
    return homeView({
      now,
      jobs,
      approvals,
      incidents,
      watches: feeds.watches(),
      workspaceUrl,
      place: this.workPlace(user),
      incidentPlaces: this.incidentPlaces(incidents),
      operator: operator.ok,
      offset,
    });
  }

  private readEstate(freshness: Freshness): Promise<HomeJob[] | undefined> {
    const now = this.deps.clock.now();
    const known = this.estate;
    if (known?.reading) return known.jobs;
    if (
      freshness === 'reuse' &&
      known !== undefined &&
      now - known.at >= 0 &&
      now - known.at < ESTATE_REUSE_MS
    )
      return known.jobs;
    const entry = {
      at: now,
      reading: true,
      jobs: readHomeEstate(this.deps.em, now, this.reasons).catch((error: unknown) => {
        this.deps.logger.warn('could not read the jobs for the Home tab', { error });
        if (this.estate === entry) this.estate = undefined;
        return undefined;
      }),
    };
    void entry.jobs.finally(() => {
      entry.reading = false;
    });
    this.estate = entry;
    return entry.jobs;
  }

  /** The first allowed channel, else the incident channel, else a direct message to the viewer. */
  private workPlace(user: string): HomePlace {
    const { config } = this.deps;
    return { channel: config.policy.allowedChannels[0] ?? config.notify.incidentChannel ?? user };
  }

  /** A job with an open incident acts in the incident's thread, as a click on its card does (if allowed there). */
  private incidentPlaces(incidents: ReturnType<HomeFeeds['incidents']>): Map<string, HomePlace> {
    const places = new Map<string, HomePlace>();
    for (const i of incidents) {
      if (!this.deps.policy.channelAllowed(i.channel).ok) continue;
      places.set(i.jobId.toLowerCase(), { channel: i.channel, threadTs: i.threadTs ?? i.ts });
    }
    return places;
  }

  private async currentSignature(): Promise<string> {
    // Every request with its status: one created and decided between two ticks still counts as a change.
    const approvals = (await this.deps.approvals.all()).map((a) => `${a.id}:${a.status}`);
    const watches = [
      this.feeds.watchTurnover(),
      ...this.feeds.watches().map((w) => `${w.key}:${w.phase === 'done'}`),
    ];
    const incidents = this.feeds.incidents().map((i) => `${i.jobId}:${i.failures}:${i.warnings}:${i.ts}`);
    return JSON.stringify([approvals, watches, incidents]);
  }
}
