/**
 * Slack modals: the forms waiting for a trigger_id, and what a modal remembers about where it
 * came from (its `private_metadata`, encoded and decoded here and nowhere else).
 */
import { randomUUID } from 'node:crypto';
import type { ViewOutput, webApi } from '@slack/bolt';
import type { FormSpec, Origin } from '../../core/types.js';
import type { Where } from './inbound.js';
import { readViewValues, REASON_BLOCK, renderFormModal, renderReasonModal, SLACK_LIMITS } from './render.js';

const FORM_TTL_MS = 60 * 60_000;

interface PendingForm {
  form: FormSpec;
  origin: Origin;
  responseUrl?: string;
  expiresAt: number;
}

/**
 * A form needs a trigger_id to open, and events carry none: such a form waits here behind an
 * "open" button (whose press has one) for an hour.
 */
export class PendingForms {
  private readonly forms = new Map<string, PendingForm>();

  constructor(private readonly now: () => number) {}

  remember(form: FormSpec, origin: Origin, responseUrl?: string): string {
    const at = this.now();
    for (const [key, pending] of this.forms) if (pending.expiresAt < at) this.forms.delete(key);
    const key = randomUUID();
    this.forms.set(key, { form, origin, responseUrl, expiresAt: at + FORM_TTL_MS });
    return key;
  }

  /** The waiting form, or null when it expired (or never existed). */
  find(key: string | undefined): PendingForm | null {
    const pending = key ? this.forms.get(key) : undefined;
    return pending && pending.expiresAt >= this.now() ? pending : null;
  }
}

/** What a form modal remembers: form id, channel, conversation and (if it fits) the response_url. */
export interface FormModalMeta {
  formId: string;
  channelId: string;
  conversationId: string;
  responseUrl?: string;
}

/** What a reason modal remembers: the action it completes and where its button was. */
export interface ReasonModalMeta {
  actionId: string;
  value: string;
  where: Where;
}

/** Compact keys: private_metadata holds at most 3,000 characters. */
interface FormWire {
  f: string;
  c: string;
  v: string;
  r?: string;
}
interface ReasonWire {
  a: string;
  v: string;
  c: string;
  t?: string;
  th?: string;
  e?: 1;
  r?: string;
}

/** Drops the response_url (the only long field) when the metadata would not fit. */
function encode(wire: { r?: string }): string {
  const json = JSON.stringify(wire);
  return json.length > SLACK_LIMITS.privateMetadata ? JSON.stringify({ ...wire, r: undefined }) : json;
}

function decode(metadata: string | undefined): Record<string, unknown> | null {
  if (!metadata) return null;
  try {
    const value: unknown = JSON.parse(metadata);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function encodeFormMeta(meta: FormModalMeta): string {
  const wire: FormWire = { f: meta.formId, c: meta.channelId, v: meta.conversationId };
  if (meta.responseUrl) wire.r = meta.responseUrl;
  return encode(wire);
}

export function decodeFormMeta(metadata: string | undefined): FormModalMeta | null {
  const w = decode(metadata);
  const formId = str(w?.f);
  if (!w || !formId) return null;
  const channelId = str(w.c) ?? '';
  return { formId, channelId, conversationId: str(w.v) || channelId, responseUrl: str(w.r) };
}

export function encodeReasonMeta(meta: ReasonModalMeta): string {
  const { where } = meta;
  const wire: ReasonWire = { a: meta.actionId, v: meta.value, c: where.channelId };
  if (where.messageTs) wire.t = where.messageTs;
  if (where.threadTs) wire.th = where.threadTs;
  if (where.isEphemeral) wire.e = 1;
  if (where.responseUrl) wire.r = where.responseUrl;
  return encode(wire);
}

/** The reason modal's metadata, with the submitting user as the one who acts. */
export function decodeReasonMeta(metadata: string | undefined, userId: string): ReasonModalMeta | null {
  const w = decode(metadata);
  const actionId = str(w?.a);
  if (!w || !actionId) return null;
  return {
    actionId,
    value: str(w.v) ?? '',
    where: {
      channelId: str(w.c) ?? '',
      userId,
      messageTs: str(w.t),
      threadTs: str(w.th),
      isEphemeral: w.e === 1,
      responseUrl: str(w.r),
    },
  };
}

export async function openFormModal(client: webApi.WebClient, triggerId: string, form: FormSpec, origin: Origin, responseUrl?: string): Promise<void> {
  const metadata = encodeFormMeta({ formId: form.id, channelId: origin.channelId, conversationId: origin.conversationId, responseUrl });
  await client.views.open({ trigger_id: triggerId, view: renderFormModal(form, metadata) });
}

export async function openReasonModal(client: webApi.WebClient, triggerId: string, meta: ReasonModalMeta): Promise<void> {
  await client.views.open({ trigger_id: triggerId, view: renderReasonModal(encodeReasonMeta(meta)) });
}

/** The values typed into a submitted modal, and its input block ids (for inline errors). */
export function submittedValues(view: Pick<ViewOutput, 'blocks' | 'state'>): { values: Record<string, string>; blockIds: string[] } {
  const values = readViewValues(view.state?.values);
  const blockIds = (view.blocks ?? []).map((block) => block.block_id).filter((id): id is string => Boolean(id));
  return { values, blockIds };
}

export function submittedReason(view: Pick<ViewOutput, 'state'>): string {
  return (readViewValues(view.state?.values)[REASON_BLOCK] ?? '').trim();
}
