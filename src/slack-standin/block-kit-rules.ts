// What real Slack refuses in a message or view it is sent: checks blocks against Block Kit's schema and limits and
// names each fault with its JSON pointer, as Slack's `invalid_blocks` answer does. Pure; the fake Web API applies it.

import {
  ACCESSORY_TYPES,
  ACTIONS_TYPES,
  BLOCK_KEYS,
  BUTTON_STYLES,
  CONFIRM_KEYS,
  ELEMENT_KEYS,
  INPUT_TYPES,
  LIMITS,
  MESSAGE_BLOCK_LIMIT,
  OPTION_GROUP_KEYS,
  OPTION_KEYS,
  TEXT_KEYS,
  UPDATE_TEXT_LIMIT,
  VIEW_BLOCK_LIMIT,
  VIEW_KEYS,
} from './block-kit-schema.js';

/** A refusal as Slack words it: the error code and, for invalid blocks, one line per fault. */
export interface BlockKitRefusal {
  error: 'invalid_blocks' | 'invalid_blocks_format' | 'msg_too_long';
  errors: string[];
}

type Obj = Record<string, unknown>;
type TextKind = 'plain_text' | 'any';

/**
 * Characters as Slack counts them: code points after escaping. Slack escapes `&`, `<` and `>` in plain_text
 * (`&` counts 5); in mrkdwn `<…>` is markup, but a bare `&` is still stored as `&amp;`.
 */
function slackLength(text: string, type: 'plain_text' | 'mrkdwn' | 'raw' = 'raw'): number {
  let length = [...text].length;
  if (type === 'raw') return length;
  length += 4 * (text.match(/&(?!(?:amp|lt|gt);)/g)?.length ?? 0);
  if (type === 'plain_text') {
    length += 4 * (text.match(/&(?=(?:amp|lt|gt);)/g)?.length ?? 0);
    length += 3 * (text.match(/[<>]/g)?.length ?? 0);
  }
  return length;
}

/**
 * What Slack answers to a call of `method` with `args` (form fields or a response_url JSON body), or undefined
 * when Slack would accept it. Only calls that carry blocks, views or updated text are checked.
 */
export function refusalFor(method: string, args: Obj): BlockKitRefusal | undefined {
  if (
    method === 'chat.update' &&
    typeof args.text === 'string' &&
    slackLength(args.text, 'mrkdwn') > UPDATE_TEXT_LIMIT
  ) {
    return { error: 'msg_too_long', errors: [] };
  }
  if (method.startsWith('views.')) return asRefusal(checkView(args.view, '/view'));
  if (args.blocks === undefined) return undefined;
  if (!Array.isArray(args.blocks) || args.blocks.some((b) => !isObj(b))) {
    return { error: 'invalid_blocks_format', errors: [] };
  }
  return asRefusal(checkBlocks(args.blocks, MESSAGE_BLOCK_LIMIT, '/blocks'));
}

function asRefusal(errors: string[]): BlockKitRefusal | undefined {
  return errors.length === 0 ? undefined : { error: 'invalid_blocks', errors };
}

/** Every fault in a message's or view's blocks, `[]` when Slack would accept them. */
export function checkBlocks(blocks: readonly unknown[], max: number, at: string): string[] {
  const faults = new Faults();
  if (blocks.length > max) faults.add(at, `no more than ${max} items allowed`);
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const ptr = `${at}/${i}`;
    if (!isObj(block)) {
      faults.add(ptr, 'must be an object');
      return;
    }
    if (typeof block.block_id === 'string') {
      if (blockIds.has(block.block_id)) faults.add(`${ptr}/block_id`, 'block_id already exists');
      blockIds.add(block.block_id);
    }
    checkBlock(block, ptr, faults);
  });
  return faults.list;
}

/** A Home tab or modal as views.publish/open/update receive it. */
function checkView(view: unknown, at: string): string[] {
  const faults = new Faults();
  if (!isObj(view)) return [`must be an object [json-pointer:${at}]`];
  const keys = VIEW_KEYS[String(view.type)];
  if (keys === undefined) return [`unsupported type: ${String(view.type)} [json-pointer:${at}/type]`];
  faults.keys(view, keys, at);
  if (view.type === 'modal') {
    faults.text(view.title, `${at}/title`, LIMITS.viewTitle, 'plain_text');
    faults.optionalText(view, 'close', at, LIMITS.viewTitle, 'plain_text');
    faults.optionalText(view, 'submit', at, LIMITS.viewTitle, 'plain_text');
  }
  faults.optionalString(view, 'private_metadata', at, LIMITS.privateMetadata);
  faults.optionalString(view, 'callback_id', at, LIMITS.callbackId);
  if (!Array.isArray(view.blocks)) faults.add(`${at}/blocks`, 'must be an array');
  else faults.list.push(...checkBlocks(view.blocks, VIEW_BLOCK_LIMIT, `${at}/blocks`));
  return faults.list;
}

function checkBlock(block: Obj, ptr: string, faults: Faults): void {
  const keys = BLOCK_KEYS[String(block.type)];
  if (keys === undefined) {
    faults.add(`${ptr}/type`, `unsupported type: ${String(block.type)}`);
    return;
  }
  faults.keys(block, keys, ptr);
  faults.optionalString(block, 'block_id', ptr, LIMITS.blockId);
  switch (block.type) {
    case 'section':
      checkSection(block, ptr, faults);
      break;
    case 'header':
      faults.text(block.text, `${ptr}/text`, LIMITS.headerText, 'plain_text');
      break;
    case 'context':
      checkContext(block, ptr, faults);
      break;
    case 'actions':
      checkActions(block, ptr, faults);
      break;
    case 'image':
      faults.string(block.image_url, `${ptr}/image_url`, LIMITS.imageUrl);
      faults.string(block.alt_text, `${ptr}/alt_text`, LIMITS.altText);
      faults.optionalText(block, 'title', ptr, LIMITS.altText, 'plain_text');
      break;
    case 'input':
      faults.text(block.label, `${ptr}/label`, LIMITS.inputLabel, 'plain_text');
      faults.optionalText(block, 'hint', ptr, LIMITS.inputLabel, 'plain_text');
      checkElement(block.element, `${ptr}/element`, INPUT_TYPES, faults);
      break;
  }
}

function checkSection(block: Obj, ptr: string, faults: Faults): void {
  if (block.text === undefined && block.fields === undefined) {
    faults.add(ptr, 'must provide either text or fields');
  }
  faults.optionalText(block, 'text', ptr, LIMITS.sectionText, 'any');
  if (block.fields !== undefined) {
    const fields = faults.array(block.fields, `${ptr}/fields`, LIMITS.sectionFields);
    for (const [i, field] of fields.entries()) {
      faults.text(field, `${ptr}/fields/${i}`, LIMITS.sectionField, 'any');
    }
  }
  if (block.accessory !== undefined)
    checkElement(block.accessory, `${ptr}/accessory`, ACCESSORY_TYPES, faults);
}

function checkContext(block: Obj, ptr: string, faults: Faults): void {
  const elements = faults.array(block.elements, `${ptr}/elements`, LIMITS.contextElements);
  elements.forEach((element, i) => {
    const at = `${ptr}/elements/${i}`;
    if (isObj(element) && element.type === 'image') checkElement(element, at, new Set(['image']), faults);
    else faults.text(element, at, Number.POSITIVE_INFINITY, 'any');
  });
}

function checkActions(block: Obj, ptr: string, faults: Faults): void {
  const elements = faults.array(block.elements, `${ptr}/elements`, LIMITS.actionsElements);
  const actionIds = new Set<string>();
  elements.forEach((element, i) => {
    const at = `${ptr}/elements/${i}`;
    checkElement(element, at, ACTIONS_TYPES, faults);
    if (!isObj(element) || typeof element.action_id !== 'string') return;
    // Slack: "action_id already exists" when two elements of one block share it.
    if (actionIds.has(element.action_id)) faults.add(`${at}/action_id`, 'action_id already exists');
    actionIds.add(element.action_id);
  });
}

function checkElement(element: unknown, ptr: string, allowed: ReadonlySet<string>, faults: Faults): void {
  if (!isObj(element)) {
    faults.add(ptr, 'must be an object');
    return;
  }
  const type = String(element.type);
  const keys = ELEMENT_KEYS[type];
  if (keys === undefined || !allowed.has(type)) {
    faults.add(`${ptr}/type`, `unsupported type: ${type}`);
    return;
  }
  faults.keys(element, keys, ptr);
  if (type === 'image') {
    faults.string(element.image_url, `${ptr}/image_url`, LIMITS.imageUrl);
    faults.string(element.alt_text, `${ptr}/alt_text`, LIMITS.altText);
    return;
  }
  faults.optionalString(element, 'action_id', ptr, LIMITS.actionId);
  faults.optionalText(element, 'placeholder', ptr, LIMITS.placeholder, 'plain_text');
  if (element.confirm !== undefined) checkConfirm(element.confirm, `${ptr}/confirm`, faults);
  if (type === 'button') checkButton(element, ptr, faults);
  else checkOptions(element, type, ptr, faults);
}

/** The options of a select, overflow, checkbox or radio element. */
function checkOptions(element: Obj, type: string, ptr: string, faults: Faults): void {
  const optionText: TextKind = type === 'checkboxes' || type === 'radio_buttons' ? 'any' : 'plain_text';
  const maxOptions = type === 'overflow' ? LIMITS.overflowOptions : LIMITS.selectOptions;
  if (element.options !== undefined) {
    const options = faults.array(element.options, `${ptr}/options`, maxOptions);
    for (const [i, option] of options.entries()) {
      checkOption(option, `${ptr}/options/${i}`, optionText, faults);
    }
  }
  if (element.option_groups !== undefined) checkOptionGroups(element.option_groups, ptr, faults);
  if (type === 'static_select' && element.options === undefined && element.option_groups === undefined) {
    faults.add(ptr, 'must provide either options or option_groups');
  }
}

function checkButton(button: Obj, ptr: string, faults: Faults): void {
  faults.text(button.text, `${ptr}/text`, LIMITS.buttonText, 'plain_text');
  faults.optionalString(button, 'value', ptr, LIMITS.buttonValue);
  faults.optionalString(button, 'url', ptr, LIMITS.buttonUrl);
  faults.optionalString(button, 'accessibility_label', ptr, LIMITS.accessibilityLabel);
  if (button.style !== undefined && !BUTTON_STYLES.has(String(button.style))) {
    faults.add(`${ptr}/style`, 'must be one of primary, danger');
  }
}

function checkConfirm(confirm: unknown, ptr: string, faults: Faults): void {
  if (!isObj(confirm)) {
    faults.add(ptr, 'must be an object');
    return;
  }
  faults.keys(confirm, CONFIRM_KEYS, ptr);
  faults.text(confirm.title, `${ptr}/title`, LIMITS.confirmTitle, 'plain_text');
  faults.text(confirm.text, `${ptr}/text`, LIMITS.confirmText, 'any');
  faults.text(confirm.confirm, `${ptr}/confirm`, LIMITS.confirmButton, 'plain_text');
  faults.text(confirm.deny, `${ptr}/deny`, LIMITS.confirmButton, 'plain_text');
  if (confirm.style !== undefined && !BUTTON_STYLES.has(String(confirm.style))) {
    faults.add(`${ptr}/style`, 'must be one of primary, danger');
  }
}

function checkOption(option: unknown, ptr: string, textKind: TextKind, faults: Faults): void {
  if (!isObj(option)) {
    faults.add(ptr, 'must be an object');
    return;
  }
  faults.keys(option, OPTION_KEYS, ptr);
  faults.text(option.text, `${ptr}/text`, LIMITS.optionText, textKind);
  faults.string(option.value, `${ptr}/value`, LIMITS.optionValue);
  faults.optionalText(option, 'description', ptr, LIMITS.optionDescription, textKind);
  faults.optionalString(option, 'url', ptr, LIMITS.buttonUrl);
}

function checkOptionGroups(groups: unknown, ptr: string, faults: Faults): void {
  faults.array(groups, `${ptr}/option_groups`, LIMITS.selectOptions).forEach((group, g) => {
    const at = `${ptr}/option_groups/${g}`;
    if (!isObj(group)) {
      faults.add(at, 'must be an object');
      return;
    }
    faults.keys(group, OPTION_GROUP_KEYS, at);
    faults.text(group.label, `${at}/label`, LIMITS.optionText, 'plain_text');
    const options = faults.array(group.options, `${at}/options`, LIMITS.selectOptions);
    for (const [i, option] of options.entries()) {
      checkOption(option, `${at}/options/${i}`, 'plain_text', faults);
    }
  });
}

/** Collects faults in Slack's wording: "<what> [json-pointer:/blocks/0/text/text]". */
class Faults {
  readonly list: string[] = [];

  add(ptr: string, message: string): void {
    this.list.push(`${message} [json-pointer:${ptr}]`);
  }

  keys(obj: Obj, allowed: readonly string[], ptr: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key)) this.add(`${ptr}/${key}`, `unknown property "${key}"`);
    }
  }

  /** A text object: known type (plain_text only where `kind` says so), 1 to `max` characters. */
  text(value: unknown, ptr: string, max: number, kind: TextKind): void {
    if (!isObj(value)) {
      this.add(ptr, 'must be a text object');
      return;
    }
    const keys = TEXT_KEYS[String(value.type)];
    if (keys === undefined || (kind === 'plain_text' && value.type !== 'plain_text')) {
      this.add(`${ptr}/type`, kind === 'plain_text' ? 'must be plain_text' : 'must be plain_text or mrkdwn');
      return;
    }
    this.keys(value, keys, ptr);
    if (typeof value.text !== 'string' || value.text.length === 0) {
      this.add(`${ptr}/text`, 'must be more than 0 characters');
      return;
    }
    if (slackLength(value.text, value.type as 'plain_text' | 'mrkdwn') > max) {
      this.add(`${ptr}/text`, `must be less than ${max + 1} characters`);
    }
  }

  optionalText(obj: Obj, key: string, ptr: string, max: number, kind: TextKind): void {
    if (obj[key] !== undefined) this.text(obj[key], `${ptr}/${key}`, max, kind);
  }

  string(value: unknown, ptr: string, max: number): void {
    if (typeof value !== 'string') {
      this.add(ptr, 'must be a string');
      return;
    }
    if (slackLength(value) > max) this.add(ptr, `must be less than ${max + 1} characters`);
  }

  optionalString(obj: Obj, key: string, ptr: string, max: number): void {
    if (obj[key] !== undefined) this.string(obj[key], `${ptr}/${key}`, max);
  }

  /** A non-empty array of at most `max` items; returns its items (none when it is not an array). */
  array(value: unknown, ptr: string, max: number): unknown[] {
    if (!Array.isArray(value)) {
      this.add(ptr, 'must be an array');
      return [];
    }
    if (value.length === 0) this.add(ptr, 'must have at least 1 item');
    if (value.length > max) this.add(ptr, `no more than ${max} items allowed`);
    return value;
  }
}

function isObj(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
