// Entry point of the Slack surface: registers the listeners by kind (as in Slack's bolt-ts-starter-template),
// each with a register(app, deps). createBot builds the deps; nothing here constructs a part.

import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import * as home from '../home/home-listeners.js';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';

export function registerListeners(app: App, deps: SlackDeps): void {
  commands.register(app, deps);
  actions.register(app, deps);
  home.register(app, deps);
}
