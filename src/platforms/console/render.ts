import type { FormSpec, Reply } from '../../core/types.js';

/** A reply as terminal text: the local console and the CLI show the same thing a chat user would. */
export function renderText(reply: Reply): string {
  const out: string[] = [];
  for (const b of reply.blocks) {
    switch (b.type) {
      case 'heading':
        out.push(`\n== ${b.text} ==`);
        break;
      case 'text':
      case 'context':
        out.push(b.text.replace(/\*\*(.+?)\*\*/g, '$1'));
        break;
      case 'fields':
        out.push(b.fields.map((f) => `  ${f.label}: ${f.value}`).join('\n'));
        break;
      case 'citations':
        out.push(b.items.map((c) => `  [${c.n}] ${c.title} › ${c.section}\n      “${c.quote}”`).join('\n'));
        break;
      case 'divider':
        out.push('----');
        break;
    }
  }
  if (reply.form) out.push(renderForm(reply.form));
  const feedback = reply.actions?.some((a) => a.id === 'feedback');
  if (feedback) out.push('（输入 +1 或 -1 评价这条回答 · type +1 or -1 to rate this answer）');
  return out.join('\n').trim();
}

/**
 * A terminal has no modal: the form is listed field by field (its label, unit, choices, an
 * example) with how to submit it as JSON, which the console and the CLI take.
 */
function renderForm(form: FormSpec): string {
  const lines = form.fields.map((f) => {
    const choices = f.options?.length ? `  [${f.options.map((o) => `${o.value}=${o.label}`).join(' | ')}]` : '';
    const kind = f.kind === 'boolean' ? '  [true | false]' : f.kind === 'number' ? '  (数字 number)' : '';
    const example = f.placeholder ? `  例 e.g. ${f.placeholder}` : '';
    return `  ${f.name}${f.required ? '*' : ''} — ${f.label}${kind}${choices}${example}`;
  });
  return [
    `\n${form.title}（* 必填 required）:`,
    ...lines,
    // Form ids are `<command>.<step>` (credit.apply): the command takes the same fields as JSON.
    `在这里以 JSON 提交 · Submit here as JSON: /${form.id.split('.')[0]} {"${form.fields[0]?.name ?? 'field'}": …, …}`,
  ].join('\n');
}
