// EM's query filter language (em-api.md §5): `field op value` with ==, !=, >, <, >=, <=; `;` = AND, `,` = OR
// (AND binds tighter, as in FIQL which EM's syntax follows), parentheses; double-quoted values with doubled
// inner quotes; unquoted values lose their spaces; field names are case-insensitive.

type FilterOp = '==' | '!=' | '>' | '<' | '>=' | '<=';

type FilterNode =
  | { kind: 'and' | 'or'; items: FilterNode[] }
  | { kind: 'cmp'; field: string; op: FilterOp; value: string };

export class FilterError extends Error {}

export function parseFilter(text: string): FilterNode {
  const parser = new Parser(text);
  const node = parser.parseOr();
  parser.skipSpace();
  if (!parser.atEnd())
    throw new FilterError(`Unexpected "${text.slice(parser.pos)}" in filter at position ${parser.pos}.`);
  return node;
}

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  parseOr(): FilterNode {
    const items = [this.parseAnd()];
    while (this.peek() === ',') {
      this.pos++;
      items.push(this.parseAnd());
    }
    return items.length === 1 ? (items[0] as FilterNode) : { kind: 'or', items };
  }

  private parseAnd(): FilterNode {
    const items = [this.parsePrimary()];
    while (this.peek() === ';') {
      this.pos++;
      items.push(this.parsePrimary());
    }
    return items.length === 1 ? (items[0] as FilterNode) : { kind: 'and', items };
  }

  private parsePrimary(): FilterNode {
    if (this.peek() === '(') {
      this.pos++;
      const inner = this.parseOr();
      if (this.peek() !== ')') throw new FilterError(`Missing ")" in filter at position ${this.pos}.`);
      this.pos++;
      return inner;
    }
    this.skipSpace();
    const fieldMatch = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.text.slice(this.pos));
    if (!fieldMatch) throw new FilterError(`Expected a field name in filter at position ${this.pos}.`);
    const field = fieldMatch[0];
    this.pos += field.length;
    this.skipSpace();
    const opMatch = /^(==|!=|>=|<=|>|<)/.exec(this.text.slice(this.pos));
    if (!opMatch) throw new FilterError(`Expected an operator (==, !=, >, <, >=, <=) after "${field}".`);
    const op = opMatch[0] as FilterOp;
    this.pos += op.length;
    return { kind: 'cmp', field, op, value: this.parseValue() };
  }

  private parseValue(): string {
    this.skipSpace();
    if (this.text[this.pos] === '"') {
      this.pos++;
      let value = '';
      for (;;) {
        if (this.atEnd()) throw new FilterError('Unterminated quoted value in filter.');
        const ch = this.text[this.pos] as string;
        if (ch === '"') {
          if (this.text[this.pos + 1] === '"') {
            value += '"';
            this.pos += 2;
            continue;
          }
          this.pos++;
          return value;
        }
        value += ch;
        this.pos++;
      }
    }
    const start = this.pos;
    while (!this.atEnd() && !';,()"'.includes(this.text[this.pos] as string)) this.pos++;
    if (this.text[this.pos] === '"')
      throw new FilterError(`Unexpected quote in filter at position ${this.pos}.`);
    // EM silently drops spaces from unquoted values.
    return this.text.slice(start, this.pos).replace(/\s+/g, '');
  }

  private peek(): string | undefined {
    this.skipSpace();
    return this.text[this.pos];
  }
}

/** How one queryable field reads and compares. */
type FieldSpec<T> =
  | { kind: 'text'; get: (item: T) => string | undefined }
  | { kind: 'bool'; get: (item: T) => boolean }
  | { kind: 'date'; get: (item: T) => number | undefined }
  /** Compared by ordinal (Result: Success < Warning < Failed). */
  | { kind: 'enum'; order: string[]; get: (item: T) => string };

export type FieldSpecs<T> = Record<string, FieldSpec<T>>;

/** Lower-cased field name → spec; throws FilterError for an unknown field. */
export function lookupField<T>(fields: FieldSpecs<T>, name: string): FieldSpec<T> {
  const spec = fields[name.toLowerCase()];
  if (!spec)
    throw new FilterError(`Unknown field "${name}". Known fields: ${Object.keys(fields).join(', ')}.`);
  return spec;
}

/** Turns a parsed filter into a predicate; values are checked up front so a bad date fails with 400. */
export function compileFilter<T>(node: FilterNode, fields: FieldSpecs<T>): (item: T) => boolean {
  if (node.kind !== 'cmp') {
    const parts = node.items.map((n) => compileFilter(n, fields));
    return node.kind === 'and' ? (item) => parts.every((p) => p(item)) : (item) => parts.some((p) => p(item));
  }
  const spec = lookupField(fields, node.field);
  const test = opTest(node.op);
  switch (spec.kind) {
    case 'text': {
      const want = node.value.toLowerCase();
      return (item) => {
        const have = spec.get(item);
        return have !== undefined && test(compareText(have.toLowerCase(), want));
      };
    }
    case 'bool': {
      const want = node.value.toLowerCase();
      if (want !== 'true' && want !== 'false')
        throw new FilterError(`"${node.value}" is not a boolean for ${node.field}.`);
      const wantNum = want === 'true' ? 1 : 0;
      return (item) => test((spec.get(item) ? 1 : 0) - wantNum);
    }
    case 'date': {
      const want = Date.parse(node.value);
      if (Number.isNaN(want)) throw new FilterError(`"${node.value}" is not a date for ${node.field}.`);
      return (item) => {
        const have = spec.get(item);
        return have !== undefined && test(have - want);
      };
    }
    case 'enum': {
      const lower = spec.order.map((v) => v.toLowerCase());
      const want = lower.indexOf(node.value.toLowerCase());
      if (want < 0)
        throw new FilterError(`"${node.value}" is not a valid ${node.field} (${spec.order.join(', ')}).`);
      return (item) => test(lower.indexOf(spec.get(item).toLowerCase()) - want);
    }
  }
}

/** Comparator for sortAsc / sortDesc on a field. */
export function fieldComparator<T>(spec: FieldSpec<T>): (a: T, b: T) => number {
  switch (spec.kind) {
    case 'text':
      return (a, b) => compareText((spec.get(a) ?? '').toLowerCase(), (spec.get(b) ?? '').toLowerCase());
    case 'bool':
      return (a, b) => Number(spec.get(a)) - Number(spec.get(b));
    case 'date':
      return (a, b) => (spec.get(a) ?? Number.MAX_SAFE_INTEGER) - (spec.get(b) ?? Number.MAX_SAFE_INTEGER);
    case 'enum':
      return (a, b) => spec.order.indexOf(spec.get(a)) - spec.order.indexOf(spec.get(b));
  }
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function opTest(op: FilterOp): (cmp: number) => boolean {
  switch (op) {
    case '==':
      return (c) => c === 0;
    case '!=':
      return (c) => c !== 0;
    case '>':
      return (c) => c > 0;
    case '<':
      return (c) => c < 0;
    case '>=':
      return (c) => c >= 0;
    case '<=':
      return (c) => c <= 0;
  }
}
