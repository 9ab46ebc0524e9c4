import { readFileSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { expect, importThroughOptions, test } from './fixtures';

const HEADER = 'Time (UTC),Environment,Account,Key name,Key ID,Operation,Outcome,Error code,Bot,Request,Status,Count';

/** The table's rows as the user reads them: each row's cells, their text on one line. */
async function rowsOf(table: Locator): Promise<string[][]> {
  const rows = table.getByRole('row');
  const out: string[][] = [];
  for (let i = 1; i < (await rows.count()); i++) {
    const cells = await rows.nth(i).getByRole('cell').allInnerTexts();
    out.push(cells.map((c) => c.replace(/\s+/g, ' ').trim()));
  }
  return out;
}

/** Presses Export CSV from the keyboard and returns the file's name and text. */
async function exportCsv(options: Page) {
  await options.getByRole('button', { name: 'Export CSV' }).focus();
  const [download] = await Promise.all([options.waitForEvent('download'), options.keyboard.press('Enter')]);
  return { name: download.suggestedFilename(), text: readFileSync((await download.path())!, 'utf8') };
}

/** A WCAG contrast ratio between an element's text and the background behind it. */
function contrastOf(element: Locator) {
  return element.evaluate((el) => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const f = (v: number) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
      return 0.2126 * f(r!) + 0.7152 * f(g!) + 0.0722 * f(b!);
    };
    let bg: Element | null = el;
    while (bg && (rgb(getComputedStyle(bg).backgroundColor)[3] ?? 1) === 0) bg = bg.parentElement;
    const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(rgb(getComputedStyle(bg ?? document.body).backgroundColor))];
    return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  });
}

test('the options page lists what the options page and the popup did, newest first; filters; exports the shown entries as CSV', async ({
  exchange,
  openPage,
}) => {
  const demo = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  const stranger = exchange.seedAccount('demo', { account: 'someone else' });
  const prod = exchange.seedAccount('production', { name: '=1+2' });
  const short = (keyId: string) => keyId.slice(0, 8);

  const options = await openPage('options');
  await options.emulateMedia({ colorScheme: 'dark' });
  const table = options.getByRole('table');
  await expect(options.getByText('Nothing recorded yet.')).toBeVisible();

  // Options page: a production import, a demo import Kalshi refuses (another account's key id), then the right one.
  await importThroughOptions(options, 'Production', prod.keyId, prod.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');
  await importThroughOptions(options, 'Demo', stranger.keyId, demo.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Kalshi refused the signature (401)');
  await importThroughOptions(options, 'Demo', demo.keyId, demo.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');
  // Each import is listed at once, without a refresh.
  await expect(table.getByRole('row')).toHaveCount(4);

  // Popup: create a key whose name needs quoting in CSV, then delete it.
  const popup = await openPage('popup');
  const name = 'desk, "left"';
  await popup.getByLabel('Key name').fill(name);
  await popup.getByRole('button', { name: 'Create key' }).click();
  await expect(popup.getByRole('status')).toContainText(`Created “${name}”`);
  const desk = exchange.keys('demo').find((k) => k.name === name)!.api_key_id;
  await popup.getByRole('button', { name: `Delete ${name}` }).click();
  await popup.getByRole('alertdialog').getByRole('button', { name: 'Delete' }).click();
  await expect(popup.getByRole('status')).toContainText(`Deleted “${name}”`);
  await popup.close();

  await options.bringToFront();
  await options.getByRole('button', { name: 'Refresh' }).click();
  await expect(table.getByRole('row')).toHaveCount(6);
  const times = await table.locator('time').evaluateAll((els) => els.map((el) => [el.getAttribute('datetime')!, el.textContent!]));
  expect(await rowsOf(table)).toEqual([
    [times[0]![1], 'Demo', `${name} ${short(desk)}`, 'Delete on Kalshi', 'Done'],
    [times[1]![1], 'Demo', `${name} ${short(desk)}`, 'Create (pair made here)', 'Done'],
    [times[2]![1], 'Demo', `sandbox ${short(demo.keyId)}`, 'Import', 'Done'],
    [times[3]![1], 'Demo', `(name unknown) ${short(stranger.keyId)}`, 'Import', expect.stringContaining('Refused (unauthorized)')],
    [times[4]![1], 'Production', `=1+2 ${short(prod.keyId)}`, 'Import', 'Done'],
  ]);
  // Newest first, each time shown in the user's locale.
  const instants = times.map(([iso]) => Date.parse(iso!));
  expect([...instants].sort((a, b) => b - a)).toEqual(instants);
  const shown = await options.evaluate(
    (ms) => ms.map((t) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' }).format(t)),
    instants,
  );
  expect(times.map(([, text]) => text)).toEqual(shown);

  // Readable in dark mode: the header and a refusal keep their contrast.
  expect(await contrastOf(table.getByRole('columnheader').first())).toBeGreaterThanOrEqual(4.5);
  expect(await contrastOf(table.locator('.activity-refused'))).toBeGreaterThanOrEqual(4.5);

  // Every entry exported, the formula-like name kept as text.
  const all = await exportCsv(options);
  expect(all.name).toMatch(/^kalshi-key-activity-\d{4}-\d{2}-\d{2}\.csv$/);
  // The bot columns (grant, request, status, count) are empty for a key operation.
  const record = (i: number, rest: string) => `${times[i]![0]},${rest},,,,\r\n`;
  // The account column: Kalshi's communications id of the account acted on; none for a refused import.
  const [demoAccount, prodAccount] = [exchange.communicationsId('demo'), exchange.communicationsId('production')];
  const demoRecords =
    record(0, `demo,${demoAccount},"desk, ""left""",${desk},delete,ok,`) +
    record(1, `demo,${demoAccount},"desk, ""left""",${desk},create,ok,`) +
    record(2, `demo,${demoAccount},sandbox,${demo.keyId},import,ok,`) +
    record(3, `demo,,,${stranger.keyId},import,refused,unauthorized`);
  expect(all.text).toBe(`${HEADER}\r\n${demoRecords}${record(4, `production,${prodAccount},'=1+2,${prod.keyId},import,ok,`)}`);
  await expect(options.getByRole('status')).toContainText('Exported 5 entries as kalshi-key-activity-');

  // The environment filter, from the keyboard too; the export follows it.
  const filter = options.getByLabel('Show entries for');
  await filter.focus();
  await options.keyboard.press('ArrowDown'); // All environments → Production
  await expect(filter).toHaveValue('production');
  await expect(table.getByRole('row')).toHaveCount(2);
  expect((await rowsOf(table))[0]).toContain('Production');
  await filter.selectOption({ label: 'Demo' });
  await expect(table.getByRole('row')).toHaveCount(5);
  expect((await rowsOf(table)).map((row) => row[1])).toEqual(['Demo', 'Demo', 'Demo', 'Demo']);
  const filtered = await exportCsv(options);
  expect(filtered.text).toBe(`${HEADER}\r\n${demoRecords}`);
  await expect(options.getByRole('status')).toContainText('Exported 4 entries');
  // One account per environment: no account filter to choose from.
  await expect(options.getByLabel('Show account')).toHaveCount(0);
});
