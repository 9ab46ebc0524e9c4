import { expect, importThroughOptions, SHOTS, test } from './fixtures';

test('keyboard alone creates and deletes a key, with focus always visible', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
  const options = await openPage('options');
  await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
  await expect(options.getByRole('status')).toContainText('Imported');

  const popup = await openPage('popup');
  await expect(popup.getByRole('listitem')).toHaveCount(1);
  await expect(popup.getByText('Usage level Premier')).toBeVisible();
  // Tab from the top reaches every control, each with a visible focus ring, until the key name field.
  const visited: string[] = [];
  for (let i = 0; i < 30; i++) {
    await popup.keyboard.press('Tab');
    const focused = await popup.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      return { name: el.getAttribute('aria-label') ?? el.id ?? el.textContent, outline: getComputedStyle(el).outlineStyle };
    });
    expect(focused.outline, `focus ring on ${focused.name}`).not.toBe('none');
    visited.push(focused.name ?? '');
    if (focused.name === 'key-name') break;
  }
  expect(visited).toEqual([
    'environment',
    'Delete sandbox',
    'Copy ID sandbox',
    'Test sandbox',
    'Rotate sandbox',
    'Forget in this browser sandbox',
    'health-details', // the usage level's grants and limits, folded
    'key-name',
  ]);
  await popup.keyboard.type('desk');
  await popup.keyboard.press('Enter');
  await expect(popup.getByRole('status')).toContainText('Created “desk”');

  await popup.getByRole('button', { name: 'Delete desk' }).focus();
  await popup.keyboard.press('Enter');
  const dialog = popup.getByRole('alertdialog');
  // Focus starts on Cancel: Enter alone never deletes.
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await popup.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  expect(exchange.keys('demo')).toHaveLength(2);

  await popup.getByRole('button', { name: 'Delete desk' }).focus();
  await popup.keyboard.press('Enter');
  await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await popup.keyboard.press('Tab');
  await expect(dialog.getByRole('button', { name: 'Delete' })).toBeFocused();
  await popup.keyboard.press('Enter');
  await expect(popup.getByRole('status')).toContainText('Deleted “desk”');
  expect(exchange.keys('demo')).toHaveLength(1);
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`screens in ${colorScheme} mode`, async ({ exchange, openPage }) => {
    const account = exchange.seedAccount('demo', { name: 'sandbox', usageTier: 'premier' });
    exchange.seedAccount('demo', { name: 'market maker bot', scopes: ['read', 'write::trade'] });
    const options = await openPage('options');
    await options.emulateMedia({ colorScheme });
    await importThroughOptions(options, 'Demo', account.keyId, account.privateKeyPem);
    await expect(options.getByRole('status')).toContainText('Imported');
    await options.screenshot({ path: `${SHOTS}/options-${colorScheme}.png` });

    const popup = await openPage('popup');
    await popup.emulateMedia({ colorScheme });
    await expect(popup.getByRole('listitem')).toHaveCount(2);
    // Text and background differ in the chosen scheme.
    const [fg, bg] = await popup.locator('body').evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
    expect(fg).not.toBe(bg);
    expect(bg).toBe(colorScheme === 'dark' ? 'rgb(21, 24, 28)' : 'rgb(255, 255, 255)');
    await popup.screenshot({ path: `${SHOTS}/popup-${colorScheme}.png` });

    await popup.getByRole('button', { name: 'Delete sandbox' }).click();
    await expect(popup.getByRole('alertdialog')).toBeVisible();
    await popup.screenshot({ path: `${SHOTS}/popup-delete-${colorScheme}.png` });
  });
}

test('in a high-contrast mode the choices keep an arrow: the platform draws its own', async ({ exchange, openPage }) => {
  const account = exchange.seedAccount('demo', { name: 'sandbox' });
  await importThroughOptions(await openPage('options'), 'Demo', account.keyId, account.privateKeyPem);
  const popup = await openPage('popup');
  const environment = popup.getByRole('combobox', { name: 'Environment' });
  const look = () => environment.evaluate((el) => [getComputedStyle(el).appearance, getComputedStyle(el).backgroundImage]);
  expect(await look()).toEqual(['none', expect.stringContaining('conic-gradient')]); // ours: a triangle in the text's colour
  await popup.emulateMedia({ forcedColors: 'active' });
  expect((await look())[0]).toBe('auto'); // forced colours drop gradients: the platform's arrow instead
  await popup.screenshot({ path: 'test-results/screens/popup-forced-colors.png' });
});
