import type { Reply } from '../../core/types.js';

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
  if (reply.form) {
    out.push(`\n${reply.form.title}: ${reply.form.fields.map((f) => `${f.name}${f.required ? '*' : ''}`).join(', ')}`);
  }
  const feedback = reply.actions?.some((a) => a.id === 'feedback');
  if (feedback) out.push('（输入 +1 或 -1 评价这条回答 · type +1 or -1 to rate this answer）');
  return out.join('\n').trim();
}
