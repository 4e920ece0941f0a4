// How the Slack stand-in reads and answers HTTP: bodies, Slack's form-encoded arguments, JSON answers.

import type { IncomingMessage, ServerResponse } from 'node:http';

// biome-ignore lint/suspicious/noExplicitAny: Block Kit JSON as Slack receives it
type Json = any;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata', 'view']);

/** WebClient sends form bodies with JSON-encoded values for blocks/attachments; some calls send JSON. */
export function parseArgs(raw: string, contentType: string | undefined): Record<string, Json> {
  if (contentType?.includes('application/json')) return raw ? (JSON.parse(raw) as Record<string, Json>) : {};
  const args: Record<string, Json> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = JSON_FIELDS.has(key) ? safeJson(value) : value;
  }
  return args;
}

function safeJson(value: string): Json {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

/** A small seeded random generator: the stand-in's injected failures repeat from run to run. */
export function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
