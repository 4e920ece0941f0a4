// Entry point of the Slack surface: registers the listeners by kind (as in Slack's bolt-ts-starter-template),
// each with a register(app, deps). createBot builds the deps; only the previews' two small in-memory books are
// added here, as every write listener shares them.

import type { App } from '@slack/bolt';
import type { SlackDeps } from '../deps.js';
import * as home from '../home/home-listeners.js';
import { withWriteBooks } from '../preview-flow.js';
import * as actions from './actions/index.js';
import * as commands from './commands/index.js';

export function registerListeners(app: App, slackDeps: SlackDeps): void {
  const deps = withWriteBooks(slackDeps);
  commands.register(app, deps);
  actions.register(app, deps);
  home.register(app, deps);
}
