// What the Home tab reads besides EM and the approval book: the watcher's live watches and the monitor's open
// incidents. createBot hands both in; without a monitor there are no incidents to show.

import type { OpenIncident } from '../../notify/monitor-state.js';
import type { WatchingEntry } from '../../watch/types.js';

export interface HomeFeeds {
  watches(): readonly WatchingEntry[];
  /** Changes whenever a watch starts or ends, even one that came and went between two looks. */
  watchTurnover(): string;
  incidents(): readonly Readonly<OpenIncident>[];
}

/** `parts` is read at each call: a replica builds a new watcher and monitor for each leader term. */
export function homeFeeds(parts: {
  readonly watcher: {
    watching(): WatchingEntry[];
    stats(): { started: number; resumed: number; finished: number };
  };
  readonly monitor: { openIncidents(): readonly Readonly<OpenIncident>[] } | undefined;
}): HomeFeeds {
  return {
    watches: () => parts.watcher.watching(),
    watchTurnover: () => {
      const { started, resumed, finished } = parts.watcher.stats();
      return `${started}/${resumed}/${finished}`;
    },
    incidents: () => parts.monitor?.openIncidents() ?? [],
  };
}
