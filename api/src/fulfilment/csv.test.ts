import { describe, expect, it } from 'vitest';
import { CSV_BOM, csvCell, csvRow } from './csv.ts';

describe('CSV cells', () => {
  it.each([
    ['plain text', '纯棉T恤', '"纯棉T恤"'],
    ['quotes doubled', 'say "hi"', '"say ""hi"""'],
    ['commas and line breaks kept inside the quotes', 'a,b\nc', '"a,b\nc"'],
    ['a formula', '=HYPERLINK("http://evil","x")', `"'=HYPERLINK(""http://evil"",""x"")"`],
    ['a plus', '+1+2', `"'+1+2"`],
    ['a minus', '-2+3', `"'-2+3"`],
    ['an at sign', '@SUM(A1)', `"'@SUM(A1)"`],
    ['a leading tab', '\t=1', `"'\t=1"`],
    ['a leading carriage return', '\r=1', `"'\r=1"`],
    ['an order number kept as text', '20260101000000018', '"20260101000000018\t"'],
    ['a phone number as it is', '13800138000', '"13800138000"'],
    ['an amount', '12.34', '"12.34"'],
    ['nothing', '', '""'],
  ])('%s', (_label, value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('ends rows with CRLF; the BOM is U+FEFF', () => {
    expect(csvRow(['a', '=b'])).toBe(`"a","'=b"\r\n`);
    expect(Buffer.from(CSV_BOM, 'utf8')).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});
