// Slash command listeners: one file per command.

import type { App } from '@slack/bolt';
import type { WriteDeps } from '../../preview-flow.js';
import { veeamCommand } from './veeam-command.js';

export function register(app: App, deps: WriteDeps): void {
  app.command('/veeam', veeamCommand(deps));
}
