/**
 * RFC 4180 CSV, hand-written because it is a dozen lines: fields with a comma, quote or line
 * break are quoted, and a cell that a spreadsheet would run as a formula (= + - @ at the start)
 * is prefixed with an apostrophe, since question texts come from chat users.
 */
export function toCsv(columns: readonly string[], rows: readonly (readonly (string | number | null)[])[]): string {
  const cell = (v: string | number | null): string => {
    if (v === null) return '';
    if (typeof v === 'number') return String(v);
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  // A byte-order mark so spreadsheet programs read the Chinese text as UTF-8.
  return `\uFEFF${[columns, ...rows].map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}
