// How a faulty answer body goes on the wire: a trickle (small chunks, steady pauses) or an oversized body (padded
// with spaces, optionally without Content-Length), so clients prove their overall deadline and their byte cap.

import type http from 'node:http';
import type { RenderedAnswer } from './http-answer.js';

/** Pads to this many bytes per write, so a huge body never sits in memory whole. */
const PAD_CHUNK_BYTES = 64 * 1024;

/** Timers a fault is still waiting on; cleared when the simulator closes. */
export type PendingTimers = Set<NodeJS.Timeout>;

/** Sends the body `chunkBytes` at a time, one chunk every `intervalMs`; stops when the client goes away. */
export function writeTrickled(
  res: http.ServerResponse,
  rendered: RenderedAnswer,
  plan: { chunkBytes: number; intervalMs: number },
  timers: PendingTimers,
): void {
  if (res.destroyed || res.writableEnded) return;
  const body = rendered.body ?? Buffer.alloc(0);
  const chunkBytes = Math.max(1, plan.chunkBytes);
  res.writeHead(rendered.status, rendered.headers);
  let offset = 0;
  const next = (): void => {
    if (res.destroyed) return;
    const chunk = body.subarray(offset, offset + chunkBytes);
    offset += chunk.length;
    if (offset >= body.length) {
      res.end(chunk);
      return;
    }
    res.write(chunk);
    const timer = setTimeout(() => {
      timers.delete(timer);
      next();
    }, plan.intervalMs);
    timers.add(timer);
  };
  next();
}

/** Sends the document followed by spaces up to `bytes` in all, waiting for the socket to drain between writes. */
export function writePadded(
  res: http.ServerResponse,
  rendered: RenderedAnswer,
  plan: { bytes: number; chunked?: boolean },
): void {
  if (res.destroyed || res.writableEnded) return;
  const body = rendered.body ?? Buffer.alloc(0);
  const total = Math.max(plan.bytes, body.length);
  const headers = { ...rendered.headers };
  if (plan.chunked) delete headers['Content-Length'];
  else headers['Content-Length'] = total;
  res.writeHead(rendered.status, headers);
  res.write(body);
  let left = total - body.length;
  const pad = Buffer.alloc(PAD_CHUNK_BYTES, 0x20);
  const pump = (): void => {
    while (left > 0 && !res.destroyed) {
      const chunk = left >= pad.length ? pad : pad.subarray(0, left);
      left -= chunk.length;
      if (!res.write(chunk)) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  res.on('close', () => {
    left = 0;
  });
  pump();
}
