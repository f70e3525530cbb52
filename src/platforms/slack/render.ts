import type { types } from '@slack/bolt';
import type { FormField, FormSpec, Reply, ReplyAction, ReplyBlock } from '../../core/types.js';
import { isDisguisedLink, MARKDOWN_LINK } from '../shared/links.js';

type KnownBlock = types.KnownBlock;
type ModalView = types.ModalView;

/** Slack's documented Block Kit limits; exceeding any of them makes the whole API call fail. */
export const SLACK_LIMITS = {
  sectionText: 3000,
  blocksPerMessage: 50,
  headerText: 150,
  fieldsPerSection: 10,
  fieldText: 2000,
  buttonText: 75,
  buttonValue: 2000,
  elementsPerActions: 25,
  /** `text` may be 40k, but it is the notification/fallback line: keep it readable. */
  fallbackText: 3000,
  modalTitle: 24,
  modalButton: 24,
  inputLabel: 2000,
  placeholder: 150,
  optionText: 75,
  optionValue: 150,
  optionsPerSelect: 100,
  privateMetadata: 3000,
} as const;

/** Internal action ids the adapter owns (they never reach the core). */
export const OPEN_FORM_ACTION = 'ca_open_form';
export const FORM_CALLBACK = 'ca_form';
export const REASON_CALLBACK = 'ca_reason';
export const REASON_BLOCK = 'reason';
const INPUT_ACTION = 'value';

export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface RenderOptions {
  /** Core action ids to leave out, e.g. `share` on a message that is already visible to everyone. */
  omitActions?: readonly string[];
  /** Adds a button that opens a form the adapter could not open directly (no trigger_id). */
  openFormButton?: { key: string; label: string };
}

/**
 * Action ids must be unique within a message while the core's ids repeat (two `feedback`
 * buttons), so each button carries its position; `:r` marks buttons that ask for a reason first.
 */
export function encodeActionId(id: string, index: number, requiresReason = false): string {
  return `${id}:${index}${requiresReason ? ':r' : ''}`;
}

export function decodeActionId(actionId: string): { id: string; index: number; requiresReason: boolean } | null {
  const m = /^(.+):(\d+)(:r)?$/.exec(actionId);
  if (!m) return null;
  return { id: m[1]!, index: Number(m[2]), requiresReason: Boolean(m[3]) };
}

/** Slack treats &, < and > as control characters in every text object. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function linkOrBare(label: string, url: string): string {
  return isDisguisedLink(label, url) ? `<${url}>` : `<${url}|${label}>`;
}

/**
 * The core's small markdown subset → Slack mrkdwn. Slack only renders `*bold*` at word
 * boundaries, which CJK text has none of, so a zero-width space is placed where needed.
 */
export function toMrkdwn(markdown: string): string {
  const ZWSP = '\u200B';
  let s = escapeSlack(markdown);
  s = s.replace(MARKDOWN_LINK, (_m, label: string, url: string) => linkOrBare(label, url));
  s = s.replace(/\*\*(?=\S)([^*\n]+?)\*\*/g, (_m, inner: string, offset: number, whole: string) => {
    const before = offset > 0 ? whole[offset - 1]! : ' ';
    const after = whole[offset + _m.length] ?? ' ';
    const pad = (c: string) => (/[\s*_~`(（\u200B]/.test(c) || /[.,!?;:。，！？；：)）]/.test(c) ? '' : ZWSP);
    return `${pad(before)}*${inner.trim()}*${pad(after)}`;
  });
  s = s.replace(/^(\s*)[-*] (?=\S)/gm, '$1• ');
  return s;
}

/**
 * Splits text into pieces of at most `max` characters, preferring paragraph, line and
 * sentence boundaries so no answer is cut mid-sentence unless a sentence alone is too long.
 */
export function splitText(text: string, max: number): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = lastBoundary(window, /\n\n/g, max * 0.3);
    if (cut < 0) cut = lastBoundary(window, /\n/g, max * 0.3);
    if (cut < 0) cut = lastBoundary(window, /[。！？；!?;]|[.](?=\s)/g, max * 0.3);
    if (cut < 0) cut = lastBoundary(window, /\s/g, max * 0.3);
    if (cut < 0) cut = safeHardCut(window);
    const piece = rest.slice(0, cut).trimEnd();
    if (piece) out.push(piece);
    rest = rest.slice(cut).replace(/^\s+/, '');
  }
  if (rest.trim()) out.push(rest);
  return out;
}

/** Index just after the last match of `re` in `s`, if it is past `minIndex`; -1 otherwise. */
function lastBoundary(s: string, re: RegExp, minIndex: number): number {
  let best = -1;
  for (const m of s.matchAll(re)) {
    const end = m.index! + m[0].length;
    if (end > minIndex && end <= s.length) best = end;
  }
  return best;
}

/** Never split a surrogate pair or an `&amp;`-style entity produced by escaping. */
function safeHardCut(window: string): number {
  let cut = window.length;
  const code = window.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  const amp = window.lastIndexOf('&', cut - 1);
  if (amp >= 0 && amp > cut - 6 && !window.slice(amp, cut).includes(';')) cut = amp;
  return cut > 0 ? cut : window.length;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}

function plain(text: string, max: number): types.PlainTextElement {
  return { type: 'plain_text', text: truncate(text || ' ', max), emoji: true };
}

function sections(mrkdwn: string): KnownBlock[] {
  return splitText(mrkdwn, SLACK_LIMITS.sectionText).map((piece) => ({
    type: 'section',
    text: { type: 'mrkdwn', text: piece },
  }));
}

export function citationLine(c: { n: number; title: string; section: string; quote: string }): string {
  const where = [c.title, c.section].filter(Boolean).join(' › ');
  const quote = c.quote ? ` — "${truncate(c.quote.replace(/\s+/g, ' ').trim(), 200)}"` : '';
  return `[${c.n}] ${where}${quote}`;
}

function renderBlock(block: ReplyBlock): KnownBlock[] {
  switch (block.type) {
    case 'heading':
      return block.text.trim() ? [{ type: 'header', text: plain(block.text.trim(), SLACK_LIMITS.headerText) }] : [];
    case 'text':
      return block.text.trim() ? sections(toMrkdwn(block.text)) : [];
    case 'context':
      return block.text.trim()
        ? splitText(toMrkdwn(block.text), SLACK_LIMITS.sectionText).map((piece) => ({
            type: 'context',
            elements: [{ type: 'mrkdwn', text: piece }],
          }))
        : [];
    case 'divider':
      return [{ type: 'divider' }];
    case 'fields': {
      const out: KnownBlock[] = [];
      const fields = block.fields.filter((f) => f.label || f.value);
      for (let i = 0; i < fields.length; i += SLACK_LIMITS.fieldsPerSection) {
        out.push({
          type: 'section',
          fields: fields.slice(i, i + SLACK_LIMITS.fieldsPerSection).map((f) => ({
            type: 'mrkdwn',
            text: truncate(`*${escapeSlack(f.label)}*\n${toMrkdwn(f.value || '—')}`, SLACK_LIMITS.fieldText),
          })),
        });
      }
      return out;
    }
    case 'citations':
      return block.items.length ? sections(block.items.map((c) => escapeSlack(citationLine(c))).join('\n')) : [];
    default:
      return [];
  }
}

function renderButtons(actions: readonly ReplyAction[], opts: RenderOptions): KnownBlock[] {
  const buttons: types.Button[] = [];
  actions.forEach((a, index) => {
    if (opts.omitActions?.includes(a.id)) return;
    buttons.push({
      type: 'button',
      action_id: encodeActionId(a.id, index, a.requiresReason),
      text: plain(a.label, SLACK_LIMITS.buttonText),
      value: a.value.slice(0, SLACK_LIMITS.buttonValue),
      ...(a.style ? { style: a.style } : {}),
    });
  });
  if (opts.openFormButton) {
    buttons.push({
      type: 'button',
      action_id: OPEN_FORM_ACTION,
      text: plain(opts.openFormButton.label, SLACK_LIMITS.buttonText),
      value: opts.openFormButton.key,
      style: 'primary',
    });
  }
  const out: KnownBlock[] = [];
  for (let i = 0; i < buttons.length; i += SLACK_LIMITS.elementsPerActions) {
    out.push({ type: 'actions', elements: buttons.slice(i, i + SLACK_LIMITS.elementsPerActions) });
  }
  return out;
}

/**
 * Renders a reply as one or more Slack messages: each within 50 blocks, every section within
 * 3,000 characters, buttons on the last message, and a plain `text` fallback on each.
 */
export function renderReply(reply: Reply, opts: RenderOptions = {}): SlackMessage[] {
  const body = reply.blocks.flatMap(renderBlock);
  const raw = truncate((reply.fallbackText || '').trim() || firstText(reply) || ' ', SLACK_LIMITS.fallbackText);
  if (body.length === 0) body.push(...sections(escapeSlack(raw)));
  // The fallback is what notifications and previews show: Slack parses <!channel>, <@U…> and
  // <url|label> there too, so handbook or model text must not become a ping or a disguised link.
  const fallback = escapeSlack(raw);
  const buttons = renderButtons(reply.actions ?? [], opts);

  const max = SLACK_LIMITS.blocksPerMessage;
  const pages: KnownBlock[][] = [];
  for (let i = 0; i < body.length; i += max) pages.push(body.slice(i, i + max));
  for (const actions of buttons) {
    const last = pages[pages.length - 1]!;
    if (last.length < max) last.push(actions);
    else pages.push([actions]);
  }
  return pages.map((blocks, i) => ({
    text: i === 0 ? fallback : truncate(`(${i + 1}/${pages.length}) ${fallback}`, SLACK_LIMITS.fallbackText),
    blocks,
  }));
}

function firstText(reply: Reply): string {
  for (const b of reply.blocks) if (b.type === 'text' || b.type === 'heading') return b.text;
  return '';
}

/** Short messages (progress, apologies, toasts) as a single section with a matching fallback. */
export function plainMessage(text: string): SlackMessage {
  return { text: escapeSlack(truncate(text, SLACK_LIMITS.fallbackText)), blocks: sections(escapeSlack(text)) };
}

function option(value: string, label: string): types.PlainTextOption {
  return { text: plain(label, SLACK_LIMITS.optionText), value: value.slice(0, SLACK_LIMITS.optionValue) };
}

function inputElement(field: FormField): types.InputBlockElement {
  switch (field.kind) {
    case 'textarea':
    case 'text':
      return {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        multiline: field.kind === 'textarea',
        ...(field.initial ? { initial_value: field.initial } : {}),
        ...(field.placeholder ? { placeholder: plain(field.placeholder, SLACK_LIMITS.placeholder) } : {}),
      };
    case 'number':
      return {
        type: 'number_input',
        action_id: INPUT_ACTION,
        is_decimal_allowed: true,
        ...(field.initial && /^-?\d+(\.\d+)?$/.test(field.initial) ? { initial_value: field.initial } : {}),
        ...(field.placeholder ? { placeholder: plain(field.placeholder, SLACK_LIMITS.placeholder) } : {}),
      };
    case 'select': {
      const options = (field.options ?? []).slice(0, SLACK_LIMITS.optionsPerSelect).map((o) => option(o.value, o.label));
      const initial = options.find((o) => o.value === field.initial);
      return {
        type: 'static_select',
        action_id: INPUT_ACTION,
        options: options.length ? options : [option('-', '—')],
        ...(initial ? { initial_option: initial } : {}),
        ...(field.placeholder ? { placeholder: plain(field.placeholder, SLACK_LIMITS.placeholder) } : {}),
      };
    }
    case 'boolean': {
      const yes = option('true', field.placeholder || '是 / Yes');
      return {
        type: 'checkboxes',
        action_id: INPUT_ACTION,
        options: [yes],
        ...(field.initial === 'true' ? { initial_options: [yes] } : {}),
      };
    }
  }
}

/** A FormSpec as a modal: one input block per field, block_id = field name (so errors map 1:1). */
export function renderFormModal(form: FormSpec, privateMetadata: string): ModalView {
  return {
    type: 'modal',
    callback_id: FORM_CALLBACK,
    private_metadata: privateMetadata,
    title: plain(form.title, SLACK_LIMITS.modalTitle),
    submit: plain(form.submitLabel || '提交 Submit', SLACK_LIMITS.modalButton),
    close: plain('取消 Cancel', SLACK_LIMITS.modalButton),
    blocks: form.fields.map((field) => ({
      type: 'input',
      block_id: field.name,
      label: plain(field.label, SLACK_LIMITS.inputLabel),
      // A checkbox that must be ticked is a confirmation, not a required value.
      optional: field.kind === 'boolean' ? true : !field.required,
      element: inputElement(field),
    })),
  };
}

export function renderReasonModal(privateMetadata: string, title = '原因 Reason'): ModalView {
  return {
    type: 'modal',
    callback_id: REASON_CALLBACK,
    private_metadata: privateMetadata,
    title: plain(title, SLACK_LIMITS.modalTitle),
    submit: plain('提交 Submit', SLACK_LIMITS.modalButton),
    close: plain('取消 Cancel', SLACK_LIMITS.modalButton),
    blocks: [
      {
        type: 'input',
        block_id: REASON_BLOCK,
        label: plain('请说明原因 · Please give a reason', SLACK_LIMITS.inputLabel),
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true },
      },
    ],
  };
}

interface StateValue {
  type?: string;
  value?: string | null;
  selected_option?: { value?: string } | null;
  selected_options?: { value?: string }[] | null;
}

/** Reads a submitted view's `state.values` back into `field → string`, whatever the element type. */
export function readViewValues(stateValues: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!stateValues || typeof stateValues !== 'object') return out;
  for (const [blockId, actions] of Object.entries(stateValues as Record<string, Record<string, StateValue>>)) {
    if (!actions || typeof actions !== 'object') continue;
    const v = Object.values(actions)[0];
    if (!v || typeof v !== 'object') continue;
    if (v.type === 'checkboxes') out[blockId] = v.selected_options?.length ? 'true' : 'false';
    else if (v.selected_option !== undefined) out[blockId] = v.selected_option?.value ?? '';
    else out[blockId] = typeof v.value === 'string' ? v.value : '';
  }
  return out;
}

/** `response_action: errors` needs existing block ids; form-level errors go on the first field. */
export function formErrorsToBlocks(
  errors: readonly { field: string; message: string }[],
  blockIds: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of errors) {
    const id = blockIds.includes(e.field) ? e.field : blockIds[0];
    if (!id) continue;
    out[id] = out[id] ? `${out[id]}; ${e.message}` : e.message;
  }
  return out;
}
