/**
 * `npm run store:images`: the store listing's screenshots (1280×800, light and dark) and small promo
 * tile (440×280), from the built extension (.output/chrome-mv3, as `wxt build` makes it) driven in
 * Chromium as the e2e tests drive it: the local sandbox exchange in Kalshi's place
 * (--host-resolver-rules), the built agent for the bots section. Each screen of the real popup or
 * options page is framed with a caption by a local page (no remote font or image), then reduced to
 * a 256-colour palette with pngquant (Debian: apt-get install pngquant). Writes store/screenshots/
 * and store/promo-small-440x280.png, which are committed: run it again after the pages change.
 */
import type { BrowserContext, Locator, Page } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { startExchange } from '../exchange/server';
import { agentProfile, admitBot, botsSection, serveBots } from '../tests/helpers/agent-chromium';
import { EXTENSION_DIR } from './chromium';
import { PROMO_SIZE, PROMO_TILE, SCENE_FILES, SCHEMES, SCREENSHOT_SIZE, screenshotPath } from './store-listing';

type Scheme = (typeof SCHEMES)[number];

/** The listing's screenshots, in the order the store shows them: file name, caption and line. */
const SCENES = [
  {
    file: '1-keys',
    title: 'Every key of your Kalshi account, at a glance',
    line: 'The key that signs, the keys held in this browser, and keys that can move money, marked.',
  },
  {
    file: '2-create',
    title: 'New keys without a key file',
    line: 'Made in the browser, kept non-extractable: only the public half goes to Kalshi.',
  },
  {
    file: '3-import',
    title: 'Import a key once. Nobody can read it back.',
    line: 'Proved against Kalshi with a signed request before it is kept; the key text is forgotten.',
  },
  {
    file: '4-bots',
    title: 'Bots trade through a key held here',
    line: 'With the optional local agent: each bot gets a grant, and every request is signed here and logged.',
  },
] as const satisfies readonly { file: (typeof SCENE_FILES)[number]; title: string; line: string }[];
type SceneFile = (typeof SCENE_FILES)[number];

const dataUrl = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

// The frame's colours follow the extension's own (components/base.css).
const FRAME_STYLE = `
:root { color-scheme: light dark; --bg: #e9eef2; --fg: #1a1d21; --muted: #4d5661; --accent: #0b6e4f; --card: #ffffff; }
@media (prefers-color-scheme: dark) { :root { --bg: #0c0e11; --fg: #e8eaed; --muted: #a4acb6; --accent: #3ccf91; --card: #15181c; } }
* { box-sizing: border-box; margin: 0; }
body { width: ${SCREENSHOT_SIZE.width}px; height: ${SCREENSHOT_SIZE.height}px; overflow: hidden; background: var(--bg); color: var(--fg);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; display: flex; align-items: center; gap: 56px; padding: 0 72px; }
.caption { flex: 0 0 400px; }
.name { color: var(--accent); font-weight: 700; font-size: 18px; letter-spacing: 0.02em; margin-bottom: 18px; display: flex; align-items: center; gap: 10px; }
.name img { width: 32px; height: 32px; }
h1 { font-size: 38px; line-height: 1.15; margin-bottom: 18px; }
p { font-size: 20px; line-height: 1.45; color: var(--muted); }
.shot { flex: 1; display: flex; justify-content: center; }
.shot img { display: block; max-width: 680px; max-height: 720px; border-radius: 12px; background: var(--card);
  box-shadow: 0 12px 40px rgba(0, 0, 0, 0.28), 0 0 0 1px rgba(127, 127, 127, 0.25); }
`;

const PROMO_STYLE = `
* { box-sizing: border-box; margin: 0; }
body { width: ${PROMO_SIZE.width}px; height: ${PROMO_SIZE.height}px; overflow: hidden; background: #0b6e4f; color: #ffffff;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; display: flex; flex-direction: column; justify-content: center; padding: 0 36px; }
.name { display: flex; align-items: center; gap: 16px; font-size: 30px; font-weight: 700; line-height: 1.15; margin-bottom: 18px; }
.name img { width: 56px; height: 56px; padding: 8px; background: #ffffff; border-radius: 14px; flex: none; }
p { font-size: 19px; line-height: 1.4; color: #dff5ec; }
`;

const icon = () => dataUrl(readFileSync(resolve('public/icon/128.png')));

function framePage(scene: (typeof SCENES)[number], shot: Buffer): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><style>${FRAME_STYLE}</style></head><body>
<div class="caption"><div class="name"><img alt="" src="${icon()}">Kalshi Key Manager</div>
<h1>${escapeHtml(scene.title)}</h1><p>${escapeHtml(scene.line)}</p></div>
<div class="shot"><img alt="" src="${dataUrl(shot)}"></div></body></html>`;
}

function promoPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><style>${PROMO_STYLE}</style></head><body>
<div class="name"><img alt="" src="${icon()}">Kalshi Key Manager</div>
<p>Your Kalshi API keys, held in the browser as keys nobody can read back.</p></body></html>`;
}

/** Reduces a PNG to a 256-colour palette in place (about a third of the bytes); fails loudly without pngquant. */
function optimise(path: string): void {
  try {
    execFileSync('pngquant', ['--force', '--strip', '--speed', '1', '--output', `${path}.q`, '--', path], { stdio: 'inherit' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('pngquant was not found: apt-get install pngquant');
    throw error;
  }
  renameSync(`${path}.q`, path);
}

/** Takes `shoot` once per colour scheme of `page`: the same screen, light then dark. */
async function inBothSchemes(page: Page, shoot: () => Promise<Buffer>): Promise<Record<Scheme, Buffer>> {
  const shots = {} as Record<Scheme, Buffer>;
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    // Let the page repaint in the new scheme before the capture.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    shots[scheme] = await shoot();
  }
  await page.emulateMedia({ colorScheme: null });
  return shots;
}

/** A screenshot of `element` and `margin` pixels of the page around it. */
async function screenshotWithMargin(page: Page, element: Locator, margin: number): Promise<Buffer> {
  const box = await element.boundingBox();
  if (!box) throw new Error('the element to capture is not on screen');
  const x = Math.max(0, box.x - margin);
  const y = Math.max(0, box.y - margin);
  return page.screenshot({ clip: { x, y, width: box.width + 2 * margin, height: box.height + 2 * margin } });
}

/** Drives the extension through the four screens and returns each, in both schemes. */
async function captureScreens(context: BrowserContext, id: string, seeded: { keyId: string; privateKeyPem: string }, agentPort: number) {
  const screens = {} as Record<SceneFile, Record<Scheme, Buffer>>;
  const hideScrollbars = (page: Page) => page.addStyleTag({ content: '::-webkit-scrollbar { display: none; }' });

  const options = await context.newPage();
  await options.setViewportSize({ width: 760, height: 700 });
  await options.goto(`chrome-extension://${id}/options.html`);
  await hideScrollbars(options);
  await options.getByLabel('Environment').selectOption({ label: 'Demo' });
  await options.getByLabel('API key ID').fill(seeded.keyId);
  await options.getByLabel('Private key', { exact: true }).fill(seeded.privateKeyPem);
  await options.getByRole('button', { name: 'Import key' }).click();
  await options.getByRole('status').filter({ hasText: 'Imported' }).waitFor();
  screens['3-import'] = await inBothSchemes(options, () => options.screenshot());

  const popup = await context.newPage();
  await popup.setViewportSize({ width: 380, height: 600 });
  await popup.goto(`chrome-extension://${id}/popup.html`);
  await hideScrollbars(popup);
  await popup.getByRole('button', { name: 'Delete market maker' }).waitFor();
  screens['1-keys'] = await inBothSchemes(popup, () => popup.screenshot());

  await popup.locator('#key-name').fill('research bot');
  await popup.locator('#key-name').scrollIntoViewIfNeeded();
  await popup.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  screens['2-create'] = await inBothSchemes(popup, () => popup.screenshot());

  await serveBots(options, agentPort);
  await admitBot(options, { name: 'market maker', preset: /Trade: read/ });
  await options.setViewportSize({ width: 760, height: 900 }); // the whole section and a margin
  const bots = botsSection(options);
  await bots.scrollIntoViewIfNeeded();
  screens['4-bots'] = await inBothSchemes(options, () => screenshotWithMargin(options, bots, 24));
  return screens;
}

async function main() {
  const exchange = await startExchange({ port: 0 });
  // A sandbox account as a trader might have it: the key imported first, a bot's trading key, a read-only one.
  const seeded = exchange.seedAccount('demo', { name: 'trading desk', usageTier: 'premier' });
  exchange.seedAccount('demo', { name: 'market maker', scopes: ['read', 'write::trade'] });
  exchange.seedAccount('demo', { name: 'dashboard (read only)', scopes: ['read'] });
  const made = await agentProfile(EXTENSION_DIR, exchange, { viewport: { width: 760, height: 700 } });
  const context = await made.launch();
  try {
    const screens = await captureScreens(context, made.id, seeded, made.agentPort);
    mkdirSync(dirname(screenshotPath(SCENE_FILES[0], SCHEMES[0])), { recursive: true });
    const frame = await context.newPage();
    await frame.setViewportSize(SCREENSHOT_SIZE);
    for (const scene of SCENES) {
      for (const scheme of SCHEMES) {
        await frame.emulateMedia({ colorScheme: scheme });
        await frame.setContent(framePage(scene, screens[scene.file][scheme]));
        const path = screenshotPath(scene.file, scheme);
        await frame.screenshot({ path });
        optimise(path);
        console.log(`store/screenshots/${scene.file}-${scheme}.png`);
      }
    }
    await frame.setViewportSize(PROMO_SIZE);
    await frame.setContent(promoPage());
    await frame.screenshot({ path: PROMO_TILE });
    optimise(PROMO_TILE);
    console.log('store/promo-small-440x280.png');
  } finally {
    await context.close();
    made.remove();
    await exchange.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
