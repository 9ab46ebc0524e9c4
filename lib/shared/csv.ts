/**
 * CSV as RFC 4180 writes it: fields separated by commas, records by CRLF, a field holding a comma,
 * a double quote, CR or LF enclosed in double quotes with its quotes doubled. A cell a spreadsheet
 * would run as a formula (starting with = + - @, or a tab or CR that some strip first) is prefixed
 * with a single quote, so a key named "=HYPERLINK(…)" stays text.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, safe to open in a spreadsheet and quoted when it must be. */
export function csvField(value: string): string {
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record: its fields joined by commas (a lone empty field is written "", else the line would be blank). */
const csvRecord = (row: readonly string[]) => (row.length === 1 && row[0] === '' ? '""' : row.map(csvField).join(','));

/** Records (the first usually a header) as CSV text, each record ended by CRLF. */
export function toCsv(rows: readonly (readonly string[])[]): string {
  return rows.map((row) => `${csvRecord(row)}\r\n`).join('');
}
