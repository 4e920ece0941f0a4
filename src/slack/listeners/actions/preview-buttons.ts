// Confirm / Cancel on a write's preview: the value is the preview's random ID, looked up in memory, never trusted.

import { isPreviewId } from '../../../ops/preview-book.js';
import { cancelPreview, confirmPreview, type WriteDeps } from '../../preview-flow.js';
import { type Click, clickHandler } from './click-handler.js';

export function previewButton(deps: WriteDeps, verb: 'confirm' | 'cancel') {
  return clickHandler(deps, `preview ${verb}`, async ({ value, origin }: Click) => {
    if (!isPreviewId(value)) {
      await origin.tellUser('That button is not one I can read; nothing was done.');
      return;
    }
    await (verb === 'confirm' ? confirmPreview : cancelPreview)(deps, origin, value);
  });
}
