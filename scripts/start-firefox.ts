/**
 * `npm run start:firefox`: what `npm start` does, with Firefox. Firefox has no --host-resolver-rules,
 * so the temporary profile sends every connection through a local proxy that tunnels only Kalshi's
 * four hosts to the sandbox (as tests/firefox does); the add-on is installed over WebDriver BiDi
 * (webExtension.install, a temporary add-on), and the sandbox's self-signed certificate is accepted
 * by the BiDi session. Headed where there is a screen; Ctrl+C stops everything and removes the profile.
 */
import puppeteer, { type Browser } from 'puppeteer-core';
import { ALL_API_HOSTS } from '../lib/shared/environments';
import { startConnectProxy } from '../tests/firefox/connect-proxy';
import { FIREFOX_BUILD } from './firefox';
import { OPTIONS_VIEWPORT, POPUP_VIEWPORT, firefoxLaunchSettings, openExtensionPage, setViewport } from './firefox-bidi';
import {
  build,
  firstLine,
  importSandboxKey,
  isStopping,
  onStop,
  removeProfile,
  saveScreenshots,
  startSandboxForStart,
  stopOnCtrlC,
  stopWithUs,
  temporaryProfile,
  thisSystem,
  type OpenPage,
} from './start-common';
import { findFirefox, installHint } from './start-discovery';
import { decideHeadless } from './start-headless';

const KEEPS_RUNNING = 'The sandbox keeps running; press Ctrl+C to stop.';
/** Pinned through extensions.webextensions.uuids: extension pages then have a known address. */
const EXTENSION_UUID = '3d0c5a8e-2b7f-4c1e-9a64-7f25b8e1c0d3';

/** Headless, each page at the size a person would see it; in a window, the window's size. */
function opener(browser: Browser, headless: boolean): OpenPage {
  return (name) =>
    openExtensionPage(browser, EXTENSION_UUID, name, headless ? (name === 'popup' ? POPUP_VIEWPORT : OPTIONS_VIEWPORT) : undefined);
}

async function main(): Promise<void> {
  stopOnCtrlC();
  build('firefox');
  const sandbox = await startSandboxForStart();

  const discovery = findFirefox(thisSystem());
  if (!discovery.found) {
    console.log([discovery.problem, ...discovery.looked.map((line) => `  ${line}`)].join('\n'));
    console.log(`To have npm run start:firefox open it: ${installHint(process.platform, 'firefox')}`);
    console.log(KEEPS_RUNNING);
    return;
  }
  const found = discovery.found;
  const { headless, why } = decideHeadless(process.platform, process.env);
  console.log(`Browser: Firefox (${found.how}), ${headless ? `headless because ${why}` : 'in a window'}.`);

  const proxy = await startConnectProxy(ALL_API_HOSTS, sandbox.exchange.port);
  onStop(() => proxy.close());
  const profile = temporaryProfile();
  let browser: Browser;
  try {
    browser = await puppeteer.launch({
      browser: 'firefox',
      executablePath: found.path,
      headless,
      userDataDir: profile,
      acceptInsecureCerts: true, // the sandbox's self-signed certificate, for this session only
      ...firefoxLaunchSettings(EXTENSION_UUID, proxy.port),
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (error) {
    removeProfile(profile);
    if (isStopping()) return;
    console.log(`\nCould not start Firefox (${found.path}): ${firstLine(error)}.`);
    console.log(KEEPS_RUNNING);
    return;
  }
  const close = stopWithUs(browser, profile);
  let closingOnPurpose = false;
  browser.once('disconnected', () => {
    if (closingOnPurpose || isStopping()) return;
    removeProfile(profile);
    console.log(`\nFirefox was closed; its temporary profile is removed. ${KEEPS_RUNNING}`);
  });

  try {
    const id = await browser.installExtension(FIREFOX_BUILD);
    console.log(`Add-on installed (${id}) as a temporary add-on, over WebDriver BiDi.`);
    const pages = await importSandboxKey(opener(browser, headless), sandbox);
    console.log(
      `Sandbox key imported: the demo key ${sandbox.accounts.demo.keyId} works in Firefox (the sandbox accepted a request signed with it).`,
    );
    if (headless) {
      const shots = await saveScreenshots(pages, (page, viewport) => setViewport(browser, page, viewport));
      closingOnPurpose = true;
      await close();
      removeProfile(profile);
      console.log(`Screenshots: ${shots.join(', ')}. The headless Firefox is closed and its profile removed.`);
      console.log(
        'On a computer with a screen, npm run start:firefox opens a window instead (or load ' +
          `${FIREFOX_BUILD}/manifest.json yourself: about:debugging#/runtime/this-firefox → Load Temporary Add-on).`,
      );
    } else {
      console.log('Firefox is open with the add-on and the sandbox demo key; it reaches only the sandbox (through a local proxy).');
    }
  } catch (error) {
    if (isStopping()) return;
    console.log(`\nThe sandbox key was not imported: ${firstLine(error)}.`);
    console.log('(The add-on needs Firefox 140 or newer.)');
  }
  console.log(KEEPS_RUNNING);
}

await main();
