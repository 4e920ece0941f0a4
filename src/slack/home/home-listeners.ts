// The Home tab's Slack listeners: app_home_opened publishes the viewer's tab; the paging buttons republish it at
// another offset. Every other button on the tab is its message counterpart's, handled by that listener.

import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import { HOME_ACTION_IDS } from './home-action-ids.js';

/** Offsets are job indexes: a few digits at most, never trusted beyond that. */
const OFFSET = /^\d{1,6}$/;

export function register(app: App, deps: SlackDeps): void {
  const { home } = deps;
  if (home === undefined) return;
  app.event('app_home_opened', async ({ event }) => {
    // The Messages and About tabs send the same event.
    if (event.tab !== 'home') return;
    await home.opened(event.user);
  });
  for (const actionId of [HOME_ACTION_IDS.jobsPrev, HOME_ACTION_IDS.jobsNext]) {
    app.action(actionId, async ({ ack, body, action }) => {
      await ack();
      const value = 'value' in action ? String(action.value ?? '') : '';
      if (!OFFSET.test(value)) return;
      await home.page(body.user.id, Number(value));
    });
  }
}
