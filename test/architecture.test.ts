// The shape of the tree, kept by a test: data flows one way (slack/ → ops/ → em/), only slack/ renders, and no
// module grows into a class that does six jobs.

import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');
const BENCH = resolve(import.meta.dirname, '../bench');

/** Folders that report or decide and must not know Slack's Block Kit, mrkdwn or Web API. */
const SLACK_FREE = ['ops', 'em', 'watch', 'notify', 'state'];

/** Files that are data tables (seeded inventory, schema limits), allowed past the size bound. */
const DATA_FILES = new Set(['sim/inventory.ts', 'slack-standin/block-kit-schema.ts']);
const MAX_LINES = 400;

/** Functions that are data tables (the seeded inventory) may be longer. */
const DATA_FUNCTIONS = new Set(['sim/seed-jobs.ts:seededJobs']);
const MAX_FUNCTION_LINES = 60;

/** Every function in `file` longer than the bound, as "path:name (lines)". */
function longFunctions(file: string, base: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const first = source.getLineAndCharacterOfPosition(node.getStart()).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      const name = `${relative(base, file)}:${node.name?.getText(source) ?? '(anonymous)'}`;
      if (last - first + 1 > MAX_FUNCTION_LINES && !DATA_FUNCTIONS.has(name))
        found.push(`${name} (${last - first + 1})`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every relative import of a file, as a path relative to src/ ("slack/mrkdwn.js"). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.{1,2}\/[^']+)'/g)].map((m) =>
    relative(SRC, resolve(file, '..', m[1] as string)),
  );
}

describe('the source tree', () => {
  const files = sourceFiles(SRC);

  it.each(SLACK_FREE)('%s/ imports nothing from slack/', (folder) => {
    const offending = files
      .filter((f) => relative(SRC, f).startsWith(`${folder}/`))
      .flatMap((f) => importsOf(f).filter((i) => i.startsWith('slack/') || i.startsWith('slack-standin/')))
      .map(String);
    expect(offending).toEqual([]);
  });

  it('em/ imports nothing from the parts that use it', () => {
    const offending = files
      .filter((f) => relative(SRC, f).startsWith('em/'))
      .flatMap((f) => importsOf(f).filter((i) => /^(ops|watch|notify|slack|sim|demo)\//.test(i)));
    expect(offending).toEqual([]);
  });

  it(`has no source file over ${MAX_LINES} lines except data tables`, () => {
    const long = files
      .filter((f) => !DATA_FILES.has(relative(SRC, f)))
      .filter((f) => readFileSync(f, 'utf8').split('\n').length > MAX_LINES)
      .map((f) => relative(SRC, f));
    expect(long).toEqual([]);
  });

  it(`has no function over ${MAX_FUNCTION_LINES} lines except data tables`, () => {
    const long = [
      ...files.flatMap((f) => longFunctions(f, SRC)),
      ...sourceFiles(BENCH).flatMap((f) => longFunctions(f, BENCH).map((found) => `bench/${found}`)),
    ];
    expect(long).toEqual([]);
  });
});
