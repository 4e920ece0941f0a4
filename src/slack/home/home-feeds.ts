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

export function homeFeeds(
  watcher: { watching(): WatchingEntry[]; stats(): { started: number; resumed: number; finished: number } },
  monitor: { openIncidents(): readonly Readonly<OpenIncident>[] } | undefined,
): HomeFeeds {
  return {
    watches: () => watcher.watching(),
    watchTurnover: () => {
      const { started, resumed, finished } = watcher.stats();
      return `${started}/${resumed}/${finished}`;
    },
    incidents: () => monitor?.openIncidents() ?? [],
  };
}
