/**
 * lib/shared/csv.ts, and the activity log's CSV built on it: RFC 4180 quoting, read back by a parser
 * written here from the RFC, and cells a spreadsheet would run as formulas kept as text.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { activityCsv, activityFileName } from '../../entrypoints/options/activity-csv';
import type { ActivityEntry } from '../../lib/key-manager/api';
import { csvField, toCsv } from '../../lib/shared/csv';

/** RFC 4180, section 2, read strictly: CRLF between records, quoted fields with "" for a quote. Throws on anything else. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let i = 0;
  while (i < text.length) {
    const row: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) throw new Error('unclosed quote');
          if (text[i] === '"' && text[i + 1] === '"') ((field += '"'), (i += 2));
          else if (text[i] === '"') break;
          else field += text[i++];
        }
        i++;
      } else {
        while (i < text.length && !',\r\n'.includes(text[i]!)) {
          if (text[i] === '"') throw new Error(`a quote inside an unquoted field at ${i}`);
          field += text[i++];
        }
      }
      row.push(field);
      if (text[i] === ',') i++;
      else if (text.startsWith('\r\n', i)) {
        i += 2;
        break;
      } else throw new Error(`expected , or CRLF at ${i}`);
    }
    rows.push(row);
  }
  return rows;
}

/** What a field reads back as: itself, or with a ' before a formula's first character. */
const readBack = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value);

describe('csvField and toCsv', () => {
  it('quotes only what must be quoted, doubling quotes inside', () => {
    expect(csvField('laptop')).toBe('laptop');
    expect(csvField('')).toBe('');
    expect(csvField('desk, left')).toBe('"desk, left"');
    expect(csvField('the "old" key')).toBe('"the ""old"" key"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('cr\r\nlf')).toBe('"cr\r\nlf"');
    expect(csvField('Zürich “bot”')).toBe('Zürich “bot”');
  });

  it('a cell a spreadsheet would run as a formula starts with a single quote', () => {
    expect(csvField('=HYPERLINK("http://evil.example","x")')).toBe(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('-2+3')).toBe("'-2+3");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('\t=1')).toBe("'\t=1");
    expect(csvField('\r=1')).toBe(`"'\r=1"`);
    // Only at the start: inside a cell they are plain characters.
    expect(csvField('a=b-c+d@e')).toBe('a=b-c+d@e');
  });

  it('records end with CRLF; a lone empty field is written "" so the line is not blank', () => {
    expect(
      toCsv([
        ['a', 'b'],
        ['c,d', ''],
      ]),
    ).toBe('a,b\r\n"c,d",\r\n');
    expect(toCsv([['']])).toBe('""\r\n');
    expect(toCsv([])).toBe('');
  });

  const cell = fc.oneof(
    fc.string(),
    fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', '\r', '=', '+', '-', '@', '\t', ' ', 'é', '😀') }),
  );
  const table = fc.array(fc.array(cell, { minLength: 1, maxLength: 6 }), { maxLength: 8 });

  it('property: any table reads back as written (formula cells with their quote), record for record', () => {
    fc.assert(
      fc.property(table, (rows) => {
        expect(parseCsv(toCsv(rows))).toEqual(rows.map((row) => row.map(readBack)));
      }),
      { numRuns: 2_000 },
    );
  });

  it('property: no cell read back starts a formula, and every unquoted field is free of , " CR LF', () => {
    fc.assert(
      fc.property(table, (rows) => {
        for (const row of parseCsv(toCsv(rows))) for (const value of row) expect(value).not.toMatch(/^[=+\-@\t\r]/);
        for (const row of rows)
          for (const value of row) {
            const field = csvField(value);
            if (!field.startsWith('"')) expect(field).not.toMatch(/[",\r\n]/);
          }
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('the activity log as CSV', () => {
  const entry = (overrides: Partial<ActivityEntry>): ActivityEntry => ({
    id: 1,
    at: Date.UTC(2026, 2, 14, 9, 26, 53),
    environment: 'demo',
    account: null,
    keyId: 'a952bcbe-ec3b-4b5b-b8f9-11dae589608c',
    keyName: 'laptop',
    operation: 'create',
    outcome: 'ok',
    ...overrides,
  });
  const HEADER = [
    'Time (UTC)',
    'Environment',
    'Account',
    'Key name',
    'Key ID',
    'Operation',
    'Outcome',
    'Error code',
    'Bot',
    'Request',
    'Status',
    'Count',
  ];

  it('a header, then one record per entry in the order given: ISO time, codes, empty cells for what is not known', () => {
    const csv = activityCsv(
      [
        entry({ id: 2, keyName: 'bot, "the second"\nline', operation: 'delete', outcome: 'refused', errorCode: 'lockout_unconfirmed' }),
        entry({
          id: 1,
          keyId: null,
          keyName: '=cmd|"/c calc"!A1',
          environment: 'production',
          operation: 'generate',
          outcome: 'unknown',
          errorCode: 'outcome_unknown',
        }),
        entry({ keyName: null, account: 'comms-123' }),
        entry({
          operation: 'bot_request',
          outcome: 'refused',
          bot: {
            grantId: 'g1',
            grantName: 'maker',
            method: 'POST',
            path: '/trade-api/v2/portfolio/orders',
            status: 403,
            refusal: 'outside_grant',
            count: 3,
          },
        }),
      ],
      HEADER,
    );
    expect(csv).toBe(
      'Time (UTC),Environment,Account,Key name,Key ID,Operation,Outcome,Error code,Bot,Request,Status,Count\r\n' +
        '2026-03-14T09:26:53.000Z,demo,,"bot, ""the second""\nline",a952bcbe-ec3b-4b5b-b8f9-11dae589608c,delete,refused,lockout_unconfirmed,,,,\r\n' +
        `2026-03-14T09:26:53.000Z,production,,"'=cmd|""/c calc""!A1",,generate,unknown,outcome_unknown,,,,\r\n` +
        '2026-03-14T09:26:53.000Z,demo,comms-123,,a952bcbe-ec3b-4b5b-b8f9-11dae589608c,create,ok,,,,,\r\n' +
        '2026-03-14T09:26:53.000Z,demo,,laptop,a952bcbe-ec3b-4b5b-b8f9-11dae589608c,bot_request,refused,outside_grant,maker,POST /trade-api/v2/portfolio/orders,403,3\r\n',
    );
    expect(parseCsv(csv).map((row) => row.length)).toEqual([12, 12, 12, 12, 12]);
  });

  it('property: any key name reads back in its own cell, never as a formula', () => {
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 5 }), (names) => {
        const rows = parseCsv(
          activityCsv(
            names.map((keyName, id) => entry({ id, keyName })),
            HEADER,
          ),
        );
        expect(rows).toHaveLength(names.length + 1);
        expect(rows.slice(1).map((row) => row[3])).toEqual(names.map(readBack));
      }),
      { numRuns: 1_000 },
    );
  });

  it('the file is named by the UTC date', () => {
    expect(activityFileName(Date.UTC(2026, 2, 14, 23, 59))).toBe('kalshi-key-activity-2026-03-14.csv');
  });
});
