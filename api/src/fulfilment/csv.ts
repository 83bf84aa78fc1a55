/**
 * CSV for spreadsheets: UTF-8 with a byte-order mark (without it Excel reads the Chinese as mojibake), CRLF line
 * ends, every cell quoted.
 */
export const CSV_BOM = '\uFEFF';

/** Characters that make a spreadsheet read a cell as a formula (CSV injection, OWASP): such cells get a leading `'`. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** Long digit strings (order numbers, transaction ids): Excel would show them as 2.02E+16 and drop digits. */
const LONG_NUMBER = /^\d{12,}$/;

export function csvCell(value: string): string {
  let text = value;
  if (FORMULA_START.test(text)) text = `'${text}`;
  // A trailing tab makes Excel keep the digits as text; unlike a leading one it cannot start a formula.
  else if (LONG_NUMBER.test(text)) text = `${text}\t`;
  return `"${text.replaceAll('"', '""')}"`;
}

export function csvRow(values: readonly string[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}
