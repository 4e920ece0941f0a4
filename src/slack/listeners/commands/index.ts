// Slash command listeners: one file per command.

import type { App } from '@slack/bolt';
import type { SlackDeps } from '../../deps.js';
import { veeamCommand } from './veeam-command.js';

export function register(app: App, deps: SlackDeps): void {
  app.command('/veeam', veeamCommand(deps));
}
