// Where a click on the Home tab acts. A Home view has no channel or thread, so each job row's block_id names the
// place its buttons act in (the job's incident thread, else the bot's work channel), and the view's
// private_metadata names the work channel for the other buttons. Only the bot publishes a user's Home view, and
// Slack sends it back as published, so these are as trustworthy as a clicked message's channel and ts.

const JOB_BLOCK = /^home-job:([0-9a-f-]{36}):([A-Z0-9]+)(?::(\d{1,12}\.\d{1,9}))?$/i;
const CHANNEL = /^[A-Z0-9]{2,}$/;

export interface HomePlace {
  channel: string;
  threadTs?: string;
}

interface HomeClickBody {
  view?: { type?: string; private_metadata?: string };
  actions?: readonly { block_id?: string }[];
}

/** True when the click came from the bot's Home tab. */
export function isHomeClick(body: HomeClickBody): boolean {
  return body.view?.type === 'home';
}

/** The block_id of a job row: its place rides along with the click. */
export function jobBlockId(jobId: string, place: HomePlace): string {
  return `home-job:${jobId}:${place.channel}${place.threadTs ? `:${place.threadTs}` : ''}`;
}

export function homeMetadata(place: HomePlace): string {
  return JSON.stringify({ channel: place.channel });
}

/** Where a Home click acts; undefined when the click did not come from the Home tab. */
export function homeClickPlace(body: HomeClickBody): HomePlace | undefined {
  if (!isHomeClick(body)) return undefined;
  const row = JOB_BLOCK.exec(body.actions?.[0]?.block_id ?? '');
  if (row?.[2] !== undefined) return { channel: row[2], ...(row[3] ? { threadTs: row[3] } : {}) };
  return { channel: metadataChannel(body.view?.private_metadata) ?? '' };
}

function metadataChannel(metadata: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(metadata ?? '') as { channel?: unknown };
    return typeof parsed.channel === 'string' && CHANNEL.test(parsed.channel) ? parsed.channel : undefined;
  } catch {
    return undefined;
  }
}
