// Slash command listeners: one file per command.

import type { App } from '@slack/bolt';
import type { SlackSurface } from '../../surface.js';
import { veeamCommand } from './veeam-command.js';

export function register(app: App, surface: SlackSurface): void {
  app.command('/veeam', veeamCommand(surface));
}
