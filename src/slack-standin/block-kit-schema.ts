// Block Kit as real Slack checks it: which properties each block, element and composition object may carry, and
// the length and count limits. Sources: Slack's Block Kit reference and python-slack-sdk's `*_max_length` constants.

/** Blocks in one message; a Home tab or modal view holds up to VIEW_BLOCK_LIMIT. */
export const MESSAGE_BLOCK_LIMIT = 50;
export const VIEW_BLOCK_LIMIT = 100;
/** chat.update refuses a longer `text` with msg_too_long. */
export const UPDATE_TEXT_LIMIT = 4000;

export const LIMITS = {
  blockId: 255,
  actionId: 255,
  sectionText: 3000,
  sectionFields: 10,
  sectionField: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  buttonUrl: 3000,
  accessibilityLabel: 75,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  optionText: 75,
  optionValue: 150,
  optionDescription: 75,
  selectOptions: 100,
  overflowOptions: 5,
  placeholder: 150,
  imageUrl: 3000,
  altText: 2000,
  inputLabel: 2000,
  viewTitle: 24,
  privateMetadata: 3000,
  callbackId: 255,
} as const;

/** Properties each block type defines; anything else is refused ("no properties a block's schema lacks"). */
export const BLOCK_KEYS: Readonly<Record<string, readonly string[]>> = {
  section: ['type', 'block_id', 'text', 'fields', 'accessory', 'expand'],
  actions: ['type', 'block_id', 'elements'],
  context: ['type', 'block_id', 'elements'],
  header: ['type', 'block_id', 'text'],
  divider: ['type', 'block_id'],
  image: ['type', 'block_id', 'image_url', 'alt_text', 'title', 'slack_file'],
  input: ['type', 'block_id', 'label', 'element', 'dispatch_action', 'hint', 'optional'],
};

const SELECT_KEYS = ['type', 'action_id', 'confirm', 'focus_on_load', 'placeholder'];

/** Properties of the interactive and image elements a block may hold. */
export const ELEMENT_KEYS: Readonly<Record<string, readonly string[]>> = {
  button: ['type', 'action_id', 'text', 'url', 'value', 'style', 'confirm', 'accessibility_label'],
  static_select: [...SELECT_KEYS, 'options', 'option_groups', 'initial_option'],
  external_select: [...SELECT_KEYS, 'initial_option', 'min_query_length'],
  users_select: [...SELECT_KEYS, 'initial_user'],
  conversations_select: [
    ...SELECT_KEYS,
    'initial_conversation',
    'default_to_current_conversation',
    'response_url_enabled',
    'filter',
  ],
  channels_select: [...SELECT_KEYS, 'initial_channel', 'response_url_enabled'],
  overflow: ['type', 'action_id', 'options', 'confirm'],
  datepicker: ['type', 'action_id', 'initial_date', 'confirm', 'focus_on_load', 'placeholder'],
  checkboxes: ['type', 'action_id', 'options', 'initial_options', 'confirm', 'focus_on_load'],
  radio_buttons: ['type', 'action_id', 'options', 'initial_option', 'confirm', 'focus_on_load'],
  plain_text_input: [
    'type',
    'action_id',
    'initial_value',
    'multiline',
    'min_length',
    'max_length',
    'dispatch_action_config',
    'focus_on_load',
    'placeholder',
  ],
  image: ['type', 'image_url', 'alt_text', 'slack_file'],
};

/** Elements allowed where: section accessory, actions block, input block. */
export const ACCESSORY_TYPES = new Set([
  'button',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'overflow',
  'datepicker',
  'checkboxes',
  'radio_buttons',
  'image',
]);
export const ACTIONS_TYPES = new Set([...ACCESSORY_TYPES].filter((t) => t !== 'image'));
export const INPUT_TYPES = new Set([
  'plain_text_input',
  'static_select',
  'external_select',
  'users_select',
  'conversations_select',
  'channels_select',
  'datepicker',
  'checkboxes',
  'radio_buttons',
]);

export const TEXT_KEYS: Readonly<Record<string, readonly string[]>> = {
  plain_text: ['type', 'text', 'emoji'],
  mrkdwn: ['type', 'text', 'verbatim'],
};

export const CONFIRM_KEYS = ['title', 'text', 'confirm', 'deny', 'style'] as const;
export const OPTION_KEYS = ['text', 'value', 'description', 'url'] as const;
export const OPTION_GROUP_KEYS = ['label', 'options'] as const;
export const BUTTON_STYLES = new Set(['primary', 'danger']);

export const VIEW_KEYS: Readonly<Record<string, readonly string[]>> = {
  home: ['type', 'blocks', 'private_metadata', 'callback_id', 'external_id'],
  modal: [
    'type',
    'blocks',
    'title',
    'close',
    'submit',
    'private_metadata',
    'callback_id',
    'external_id',
    'clear_on_close',
    'notify_on_close',
    'submit_disabled',
  ],
};
