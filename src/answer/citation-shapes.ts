/**
 * Models cite in shapes the prompt did not ask for: footnotes `[^2]`, ranges `[1-3]` / `[1–3]`,
 * and parenthesised numbers `(2)` / `（2）` placed where a citation goes (right before the
 * sentence's end). These become the `[n]` the citation checker reads, so they are either checked
 * and renumbered like any other citation or dropped as invented — never shown raw.
 *
 * A parenthesised number elsewhere (`第(3)款`, `(1) 先签合同`) is content, not a citation, and is
 * left alone: only one standing between a word and the sentence's end punctuation counts.
 */
const MAX_RANGE = 6;

export function normaliseCitationShapes(text: string): string {
  return (
    text
      // [^2] → [2]
      .replace(/\[\^\s*(\d{1,3})\s*\]/g, '[$1]')
      // [1-3] → [1,2,3]; a range too wide to be meant (or reversed) is dropped
      .replace(/[[【]\s*(\d{1,3})\s*[-–—~～]\s*(\d{1,3})\s*[\]】]/g, (_m, a: string, b: string) => {
        const from = Number(a);
        const to = Number(b);
        if (to < from || to - from >= MAX_RANGE) return '';
        return `[${Array.from({ length: to - from + 1 }, (_, i) => from + i).join(',')}]`;
      })
      // "…处罚(2)。" / "… fines (2)." → [2]
      .replace(/(?<=[\p{L}\p{N}\]）)])\s?[(（]\s*(\d{1,2}(?:\s*[,，、]\s*\d{1,2})*)\s*[)）](?=\s*(?:[。．.！!？?；;]|$))/gmu, '[$1]')
  );
}

/** Whatever citation-like debris is left after checking (unbalanced footnotes, odd ranges): removed. */
export function stripStrayCitationShapes(text: string): string {
  return text.replace(/\[\^[^\]]*\]/g, '').replace(/[[【]\s*\d{1,3}\s*[-–—~～]\s*\d{1,3}\s*[\]】]/g, '');
}
