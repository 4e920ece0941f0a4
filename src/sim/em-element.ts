// One format-neutral document tree for every simulator answer; render-xml.ts and render-json.ts turn it into EM's two formats.

export type Scalar = string | number | boolean | null;

export interface El {
  /** XML element name; for the root it is dropped in JSON (em-api.md §7 rule 2). */
  name: string;
  /** XML attributes in output order; flattened into JSON properties (rule 1). undefined values are left out. */
  attrs?: Record<string, Scalar | undefined>;
  /** Text content; typed so JSON gets true/false and numbers (rule 7). */
  text?: Scalar;
  children?: El[];
  /** JSON: this element is an array of its children's values (Links, Includes: rule 3). */
  array?: boolean;
  /** JSON: this element is `{ [items]: [children…] }` (collections: `{"Refs":[…]}`, `{"Tasks":[…]}`; rules 4-6). */
  items?: string;
  /** JSON: property name when EM's JSON name differs from its XML name. */
  jsonName?: string;
  /** Present in JSON only (EM's `"Entities":null` placeholders in a QueryResult); XML leaves it out. */
  jsonOnly?: boolean;
}

export function el(name: string, attrs?: El['attrs'], children?: El[]): El {
  return { name, attrs, children };
}

/** A text-only element; undefined text gives an empty element (`<PreviousJobUid />`, JSON null). */
export function field(name: string, text: Scalar | undefined): El {
  return { name, text: text ?? undefined };
}

/** `<Link Rel Type Href Name/>`, in the seed's attribute order. */
export function link(rel: string, href: string, type?: string, name?: string): El {
  return { name: 'Link', attrs: { Rel: rel, Type: type, Href: href, Name: name } };
}

export function links(items: El[]): El {
  return { name: 'Links', children: items, array: true };
}
