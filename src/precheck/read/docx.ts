/**
 * Contract text from a .docx via mammoth's HTML (not its raw text): paragraphs stay lines, a Word
 * table comes back as `| cell | cell |` rows so its header still names the currency of its
 * columns, and struck-out text (a model-form option the parties struck) is left out, because it
 * is not part of the agreement.
 */

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1]?.toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

/** Inline HTML of one paragraph or cell → text. */
function inlineText(html: string): string {
  return decode(html.replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, ''));
}

/**
 * Word's automatic numbering (`第一条`, `1.` set by a list style) is not in the paragraph text;
 * mammoth turns it into `<ol><li>`. The number is written back so the clause structure survives:
 * a top-level item as `1.`, an item inside one as `（1）`, both of which open a clause. mammoth
 * closes a list at every paragraph between its items, while Word keeps counting, so top-level
 * numbers run on through the document (a contract numbers its clauses once).
 */
function numberFor(depth: number, n: number): string {
  return depth <= 1 ? `${n}. ` : `（${n}）`;
}

export async function docxText(data: Uint8Array): Promise<string> {
  const mammoth = await import('mammoth');
  const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(data) });
  // Struck-out runs are no part of the contract.
  const html = value.replace(/<(s|del|strike)>[\s\S]*?<\/\1>/gi, '');
  const lines: string[] = [];
  // Open lists, innermost last: ordered lists count their items.
  const lists: { ordered: boolean; count: number }[] = [];
  let topCount = 0;
  let item = '';
  const flushItem = () => {
    if (item.trim() !== '') lines.push(item);
    item = '';
  };
  // mammoth emits flat block elements and lists that nest; tables are not nested in practice.
  for (const token of html.matchAll(/<table>([\s\S]*?)<\/table>|<(p|h[1-6])[^>]*>([\s\S]*?)<\/\2>|<(\/?)(ol|ul)>|<li>|<\/li>|([^<]+|<[^>]*>)/gi)) {
    if (token[1] !== undefined) {
      flushItem();
      for (const row of token[1].matchAll(/<tr>([\s\S]*?)<\/tr>/gi)) {
        const cells = [...row[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/gi)].map((c) =>
          inlineText(c[1]!.replace(/<\/p>\s*<p>/gi, '')).replace(/\s+/g, ' ').trim(),
        );
        lines.push(`| ${cells.join(' | ')} |`);
      }
      lines.push('');
    } else if (token[2] !== undefined) {
      flushItem();
      lines.push(inlineText(token[3]!));
    } else if (token[5] !== undefined) {
      flushItem();
      if (token[4] === '/') {
        const closed = lists.pop();
        if (lists.length === 0 && closed?.ordered) topCount = closed.count;
      } else lists.push({ ordered: token[5].toLowerCase() === 'ol', count: lists.length === 0 ? topCount : 0 });
    } else if (token[0].toLowerCase() === '<li>') {
      flushItem();
      const list = lists[lists.length - 1];
      if (list?.ordered) item = numberFor(lists.length, ++list.count);
    } else if (token[0].toLowerCase() === '</li>') {
      flushItem();
    } else {
      item += inlineText(token[0]);
    }
  }
  flushItem();
  return lines.join('\n');
}
