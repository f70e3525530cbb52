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

export async function docxText(data: Uint8Array): Promise<string> {
  const mammoth = await import('mammoth');
  const { value } = await mammoth.convertToHtml({ buffer: Buffer.from(data) });
  // Struck-out runs are no part of the contract.
  const html = value.replace(/<(s|del|strike)>[\s\S]*?<\/\1>/gi, '');
  const lines: string[] = [];
  // mammoth emits flat block elements; tables are not nested in practice (a nested table is read row by row).
  for (const block of html.matchAll(/<table>([\s\S]*?)<\/table>|<(p|h[1-6]|li)[^>]*>([\s\S]*?)<\/\2>/gi)) {
    if (block[1] !== undefined) {
      for (const row of block[1].matchAll(/<tr>([\s\S]*?)<\/tr>/gi)) {
        const cells = [...row[1]!.matchAll(/<t[dh][^>]*>([\s\S]*?)<\/t[dh]>/gi)].map((c) =>
          inlineText(c[1]!.replace(/<\/p>\s*<p>/gi, '')).replace(/\s+/g, ' ').trim(),
        );
        lines.push(`| ${cells.join(' | ')} |`);
      }
      lines.push('');
    } else {
      lines.push(inlineText(block[3]!));
    }
  }
  return lines.join('\n');
}
