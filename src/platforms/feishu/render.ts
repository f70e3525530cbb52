import { PROGRESS_TEXT } from '../shared/texts.js';
import { isDisguisedLink, MARKDOWN_LINK } from '../shared/links.js';
import type { FormField, FormSpec, Reply, ReplyAction, ReplyBlock } from '../../core/types.js';
import type { Citation } from '../../retrieval/types.js';

/**
 * Reply → Feishu interactive cards (card JSON 2.0). Pure functions: no SDK, no I/O, so the
 * card shapes and the 30 KB split can be tested on their own.
 */

export type CardElement = Record<string, unknown>;

export interface FeishuCard {
  schema: '2.0';
  config: { update_multi: true; summary?: { content: string } };
  header?: { title: { tag: 'plain_text'; content: string }; template: string };
  body: { elements: CardElement[] };
}

/** What a button press carries back in `action.value` (see adapter `onCardAction`). */
export type ButtonValue =
  | { action: string; value: string; needsReason?: boolean }
  | { form: string; labels: Record<string, string> };

/** Feishu rejects card messages whose request body exceeds 30 KB. */
export const CARD_BYTE_LIMIT = 30 * 1024;
/** Room left for the reply envelope (uuid, reply_in_thread, msg_type) and header suffixes. */
const ENVELOPE_RESERVE = 1024;
/** Upper bound for one markdown element, so a single huge paragraph is still split. */
const MAX_ELEMENT_BYTES = 8 * 1024;

const SUMMARY_CHARS = 120;

/**
 * Bytes the card costs on the wire: the card is JSON-encoded into the message `content`
 * string, which is JSON-encoded again inside the request body.
 */
export function cardRequestBytes(card: FeishuCard): number {
  return Buffer.byteLength(
    JSON.stringify({ msg_type: 'interactive', content: JSON.stringify(card), reply_in_thread: true, uuid: '0'.repeat(36) }),
  );
}

/**
 * Feishu card markdown reads `<at>`, `<font>` and similar tags; escaping angle brackets keeps
 * handbook or user text from turning into markup (and from @-mentioning people).
 */
export function escapeMarkdown(text: string): string {
  const escaped = text.replace(/&(?=#?\w+;)/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.replace(MARKDOWN_LINK, (link, label: string, url: string) => (isDisguisedLink(label, url) ? `[${url}](${url})` : link));
}

function plain(content: string) {
  return { tag: 'plain_text' as const, content };
}

function markdown(content: string, small = false): CardElement {
  return small ? { tag: 'markdown', content, text_size: 'notation' } : { tag: 'markdown', content };
}

export function citationLine(c: Citation): string {
  const where = [c.title, c.section].filter(Boolean).join(' › ');
  const quote = c.quote ? ` — “${c.quote}”` : '';
  return `**[${c.n}]** ${escapeMarkdown(where)}${escapeMarkdown(quote)}`;
}

function elementBytes(el: CardElement): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(el)));
}

/** Splits text at line ends (or, for one very long line, at character boundaries) into chunks under `maxBytes` of card cost. */
export function splitText(text: string, maxBytes = MAX_ELEMENT_BYTES): string[] {
  const cost = (s: string) => Buffer.byteLength(JSON.stringify(JSON.stringify(s)));
  if (cost(text) <= maxBytes) return [text];
  const chunks: string[] = [];
  let current = '';
  const flush = () => {
    if (current) chunks.push(current);
    current = '';
  };
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line;
    if (cost(candidate) <= maxBytes) {
      current = candidate;
      continue;
    }
    flush();
    if (cost(line) <= maxBytes) {
      current = line;
      continue;
    }
    // One line longer than a whole element: cut it by code points.
    let piece = '';
    for (const ch of line) {
      if (cost(piece + ch) > maxBytes) {
        chunks.push(piece);
        piece = '';
      }
      piece += ch;
    }
    current = piece;
  }
  flush();
  return chunks;
}

function blockElements(block: ReplyBlock): CardElement[] {
  switch (block.type) {
    case 'heading':
      return [markdown(`**${escapeMarkdown(block.text)}**`)];
    case 'text':
      return splitText(escapeMarkdown(block.text)).map((t) => markdown(t));
    case 'context':
      return splitText(escapeMarkdown(block.text)).map((t) => markdown(t, true));
    case 'fields':
      return splitText(block.fields.map((f) => `**${escapeMarkdown(f.label)}**：${escapeMarkdown(f.value)}`).join('\n')).map((t) =>
        markdown(t),
      );
    case 'citations': {
      if (!block.items.length) return [];
      const lines = ['📚', ...block.items.map(citationLine)].join('\n');
      return splitText(lines).map((t) => markdown(t, true));
    }
    case 'divider':
      return [{ tag: 'hr' }];
  }
}

function buttonType(style: ReplyAction['style']): string {
  return style === 'primary' ? 'primary' : style === 'danger' ? 'danger' : 'default';
}

function button(label: string, style: ReplyAction['style'], value: ButtonValue, extra: Record<string, unknown> = {}): CardElement {
  return {
    tag: 'button',
    text: plain(label),
    type: buttonType(style),
    ...extra,
    behaviors: [{ type: 'callback', value }],
  };
}

/**
 * Plain buttons in one flowing row; buttons that need a reason each get a small form
 * (input + submit) so the reason arrives with the press in one callback.
 */
export function actionElements(actions: ReplyAction[]): CardElement[] {
  const out: CardElement[] = [];
  const simple = actions.filter((a) => !a.requiresReason);
  if (simple.length) {
    out.push({
      tag: 'column_set',
      flex_mode: 'flow',
      horizontal_spacing: '8px',
      columns: simple.map((a) => ({
        tag: 'column',
        width: 'auto',
        elements: [button(a.label, a.style, { action: a.id, value: a.value })],
      })),
    });
  }
  actions
    .filter((a) => a.requiresReason)
    .forEach((a, i) => {
      out.push({
        tag: 'form',
        name: `reason_form_${i}`,
        elements: [
          {
            tag: 'input',
            name: 'reason',
            required: true,
            max_length: 500,
            placeholder: plain('请填写原因 · Reason'),
          },
          button(a.label, a.style, { action: a.id, value: a.value, needsReason: true }, {
            name: `reason_submit_${i}`,
            form_action_type: 'submit',
          }),
        ],
      });
    });
  return out;
}

/**
 * The chat-list preview and notification: plain text, where `<at id=all>` or other tags from
 * handbook or model text would show raw (or be read as markup by some clients). Angle brackets
 * become their full-width forms, which read the same and parse as nothing.
 */
export function previewText(text: string): string {
  return text.replace(/</g, '\uFF1C').replace(/>/g, '\uFF1E');
}

function baseCard(summary: string, title?: string): FeishuCard {
  const card: FeishuCard = {
    schema: '2.0',
    config: { update_multi: true, summary: { content: previewText(summary).slice(0, SUMMARY_CHARS) } },
    body: { elements: [] },
  };
  if (title) card.header = { title: plain(title.slice(0, 200)), template: 'blue' };
  return card;
}

/**
 * Renders a Reply as one or more cards, each under the 30 KB limit. The first heading
 * becomes the card header; buttons go on the last card; a form (if any) follows as its own card.
 */
export function renderReply(reply: Reply, limit = CARD_BYTE_LIMIT): FeishuCard[] {
  const blocks = [...reply.blocks];
  let title: string | undefined;
  if (blocks[0]?.type === 'heading') title = (blocks.shift() as { text: string }).text;

  const elements = blocks.flatMap(blockElements);
  const actions = actionElements(reply.actions ?? []);
  const budget = limit - ENVELOPE_RESERVE;

  const cards: FeishuCard[] = [];
  let card = baseCard(reply.fallbackText, title);
  // Buttons come last, so they end up on the last card.
  for (const el of [...elements, ...actions]) {
    card.body.elements.push(el);
    if (cardRequestBytes(card) > budget && card.body.elements.length > 1) {
      card.body.elements.pop();
      cards.push(card);
      card = baseCard(reply.fallbackText);
      card.body.elements.push(el);
    }
  }
  if (card.body.elements.length || card.header || !cards.length) {
    if (!card.body.elements.length) card.body.elements.push(markdown(escapeMarkdown(reply.fallbackText || ' ')));
    cards.push(card);
  }
  if (cards.length > 1) {
    // Number the parts so a reader knows more is coming (titles are short, the reserve covers them).
    cards.forEach((c, i) => {
      const part = `（${i + 1}/${cards.length}）`;
      c.header = { title: plain(`${(title ?? '').slice(0, 180)} ${part}`.trim()), template: 'blue' };
    });
  }
  if (reply.form) cards.push(renderForm(reply.form));
  return cards;
}

function fieldElement(f: FormField): CardElement {
  const common = { name: f.name, required: Boolean(f.required) };
  switch (f.kind) {
    case 'select':
      return {
        tag: 'select_static',
        ...common,
        placeholder: plain(f.placeholder ?? '请选择 · Choose'),
        options: (f.options ?? []).map((o) => ({ text: plain(o.label), value: o.value })),
        ...(f.initial ? { initial_option: f.initial } : {}),
      };
    case 'boolean':
      return {
        tag: 'select_static',
        ...common,
        placeholder: plain(f.placeholder ?? '请选择 · Choose'),
        options: [
          { text: plain('是 · Yes'), value: 'true' },
          { text: plain('否 · No'), value: 'false' },
        ],
        ...(f.initial ? { initial_option: f.initial } : {}),
      };
    case 'textarea':
      return {
        tag: 'input',
        ...common,
        input_type: 'multiline_text',
        rows: 3,
        max_length: 1000,
        placeholder: plain(f.placeholder ?? ''),
        ...(f.initial ? { default_value: f.initial } : {}),
      };
    case 'text':
    case 'number':
      return {
        tag: 'input',
        ...common,
        max_length: 1000,
        placeholder: plain(f.placeholder ?? (f.kind === 'number' ? '数字 · Number' : '')),
        ...(f.initial ? { default_value: f.initial } : {}),
      };
  }
}

/** A FormSpec as a card holding one form container; submit sends `form_value` with `{form: id}`. */
export function renderForm(form: FormSpec): FeishuCard {
  const card = baseCard(form.title, form.title);
  const labels = Object.fromEntries(form.fields.map((f) => [f.name, f.label]));
  const inner: CardElement[] = [];
  for (const f of form.fields) {
    inner.push(markdown(`**${escapeMarkdown(f.label)}**${f.required ? ' <font color="red">*</font>' : ''}`));
    inner.push(fieldElement(f));
  }
  inner.push(
    button(form.submitLabel, 'primary', { form: form.id, labels }, { name: 'form_submit', form_action_type: 'submit' }),
  );
  card.body.elements.push({ tag: 'form', name: 'form', elements: inner });
  return card;
}

/** A short card for "working on it", later patched with the answer. */
export function progressCard(text = PROGRESS_TEXT): FeishuCard {
  const card = baseCard(text);
  card.body.elements.push(markdown(text));
  return card;
}
