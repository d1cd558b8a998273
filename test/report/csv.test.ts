import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, csvCell, neutralizeFormula, quoteField, renderCsv } from '../../src/report/csv.js';
import { sampleReport } from '../fixtures/report/sample.js';

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes, and nothing else accepted. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r' && text[i] !== '\n') {
        if (text[i] === '"') throw new Error(`bare quote in unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') {
      i++;
    } else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else if (i < text.length) {
      throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
  }
  if (row.length) throw new Error('last record has no CRLF');
  return rows;
}

describe('csv cells', () => {
  it('quotes only when RFC 4180 requires it and doubles quotes', () => {
    expect(quoteField('plain')).toBe('plain');
    expect(quoteField('a,b')).toBe('"a,b"');
    expect(quoteField('say "hi"')).toBe('"say ""hi"""');
    expect(quoteField('two\nlines')).toBe('"two\nlines"');
    expect(quoteField('cr\rhere')).toBe('"cr\rhere"');
  });

  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+cmd', "'+cmd"],
    ['-2+3', "'-2+3"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tpool-tab', "'\tpool-tab"],
    // A carriage return is a control character: it is shown as text, so it cannot smuggle a formula in either.
    ['\rpool-cr', '\\u{D}pool-cr'],
  ])('neutralizes the formula in %j', (value, cell) => {
    expect(neutralizeFormula(value).startsWith("'")).toBe(true);
    expect(csvCell(value)).toBe(cell);
  });

  it('leaves ordinary values alone', () => {
    for (const v of ['tg-api', 'a=b', 'x+1', 'arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/-2x3/9', '']) expect(neutralizeFormula(v)).toBe(v);
  });
});

describe('renderCsv', () => {
  const report = sampleReport();
  const text = renderCsv(report);
  const rows = parseCsv(text);

  it('has the header and one row per result, every record ending in CRLF', () => {
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(report.results.length + 1);
    expect(rows.every((r) => r.length === CSV_COLUMNS.length)).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('fills the columns from each result', () => {
    const col = (name: (typeof CSV_COLUMNS)[number]) => CSV_COLUMNS.indexOf(name);
    report.results.forEach((r, i) => {
      const row = rows[i + 1]!;
      expect(row[col('status')]).toBe(r.status);
      expect(row[col('severity')]).toBe(r.severity);
      expect(row[col('checkId')]).toBe(r.checkId);
      expect(row[col('resourceId')]).toBe(r.resource.id);
      expect(row[col('fingerprint')]).toBe(r.fingerprint);
    });
    const first = rows[1]!;
    expect(first[col('loadBalancer')]).toBe('alb-shop-prod');
    expect(first[col('account')]).toBe('123456789012');
    expect(first[col('fix')]).toBe('Make /healthz on tg-checkout return 200, or fix the matcher.');
    const pass = rows.find((r) => r[col('status')] === 'pass');
    expect(pass?.[col('fix')]).toBe('');
  });

  it('never lets a cell start a formula', () => {
    const cells = rows.slice(1).flat();
    expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c))).toEqual([]);
    const names = rows.slice(1).map((r) => r[CSV_COLUMNS.indexOf('resourceName')]);
    expect(names).toEqual(expect.arrayContaining([`'=HYPERLINK("http://x","y")`, "'+cmd", "'-2+3", "'@SUM(1)", "'\tpool-tab", '\\u{D}pool-cr']));
  });

  it('round-trips a field with quotes and a line break exactly', () => {
    const source = report.results.find((r) => r.message.includes('\n'))!;
    const row = rows.find((r) => r[CSV_COLUMNS.indexOf('fingerprint')] === source.fingerprint);
    expect(row?.[CSV_COLUMNS.indexOf('message')]).toBe(source.message);
    expect(text).toContain('"Deregistration delay of +cmd is 5 s; ""long"" requests\nrun up to 30 s, so deploys cut them off."');
  });

  it('rejects a malformed CSV in the test reader, so the round trip proves something', () => {
    expect(() => parseCsv('a,"b\r\n')).toThrow(/unterminated/);
    expect(() => parseCsv('a,b"c\r\n')).toThrow(/bare quote/);
  });
});
