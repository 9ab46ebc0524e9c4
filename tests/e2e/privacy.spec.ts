/** The privacy policy ships with the extension: the options page links to it, by keyboard, and it reads in both schemes. */
import { expect, test } from './fixtures';

test('the options page links to the shipped privacy policy, reachable by keyboard with a visible focus', async ({ context, openPage }) => {
  const options = await openPage('options');
  const link = options.getByRole('link', { name: /Privacy policy/ });
  await expect(link).toHaveAttribute('href', '/privacy.html');
  // Tab from the page's start until the link has focus: it is in the tab order.
  await options.locator('body').focus();
  let reached = false;
  for (let i = 0; i < 60 && !reached; i++) {
    await options.keyboard.press('Tab');
    reached = await link.evaluate((el) => el === document.activeElement);
  }
  expect(reached).toBe(true);
  expect(await link.evaluate((el) => getComputedStyle(el).outlineStyle)).not.toBe('none');

  const opened = context.waitForEvent('page');
  await options.keyboard.press('Enter');
  const policy = await opened;
  await policy.waitForLoadState();
  expect(new URL(policy.url()).pathname).toBe('/privacy.html');
  await expect(policy.getByRole('heading', { level: 1 })).toHaveText('Privacy policy');
  await expect(policy.getByText('nothing is ever sent to us')).toBeVisible();
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`the privacy policy and its link read in ${colorScheme} mode`, async ({ context, extensionId, openPage }) => {
    const options = await openPage('options');
    await options.emulateMedia({ colorScheme });
    const [fg, bg] = await options
      .getByRole('link', { name: /Privacy policy/ })
      .evaluate((el) => [getComputedStyle(el).color, getComputedStyle(document.body).backgroundColor]);
    expect(fg).toBe(colorScheme === 'dark' ? 'rgb(138, 180, 248)' : 'rgb(26, 115, 232)');
    expect(bg).toBe(colorScheme === 'dark' ? 'rgb(21, 24, 28)' : 'rgb(255, 255, 255)');

    const policy = await context.newPage();
    await policy.goto(`chrome-extension://${extensionId}/privacy.html`);
    await policy.emulateMedia({ colorScheme });
    const colors = await policy.locator('body').evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).backgroundColor]);
    expect(colors).toEqual(colorScheme === 'dark' ? ['rgb(230, 232, 235)', 'rgb(21, 24, 28)'] : ['rgb(31, 35, 40)', 'rgb(255, 255, 255)']);
    await policy.screenshot({ path: `test-results/screens/privacy-${colorScheme}.png` });
  });
}
