/**
 * `npm start`: build the extension, start the sandbox exchange, open a Chromium-family browser
 * (Chromium, Chrome for Testing, Google Chrome, Edge or Brave: see start-discovery.ts) on a temporary
 * profile with the extension loaded, and import the sandbox's demo key through the options page.
 * With no screen (Linux without a display, or CI) the browser runs headless, screenshots are saved,
 * and the sandbox keeps running. Ctrl+C stops the browser and the sandbox and removes the profile.
 */
import { launchChromium } from './start-chromium';
import {
  build,
  firstLine,
  importSandboxKey,
  isStopping,
  removeProfile,
  saveScreenshots,
  startSandboxForStart,
  stopOnCtrlC,
  temporaryProfile,
  thisSystem,
} from './start-common';
import { findChromium, installHint } from './start-discovery';
import { decideHeadless } from './start-headless';
import { EXTENSION_DIR } from './chromium';

const KEEPS_RUNNING = 'The sandbox keeps running; press Ctrl+C to stop.';

async function main(): Promise<void> {
  stopOnCtrlC();
  build('chrome');
  const sandbox = await startSandboxForStart();

  const discovery = findChromium(thisSystem());
  if (!discovery.found) {
    console.log([discovery.problem, ...discovery.looked.map((line) => `  ${line}`)].join('\n'));
    console.log(`To have npm start open one: ${installHint(process.platform, 'chromium')}`);
    console.log(
      `Or load ${EXTENSION_DIR} yourself (chrome://extensions → Developer mode → Load unpacked) in a browser started with the ` +
        'flags above and its own --user-data-dir: never with your everyday profile, since the flags turn off certificate checks.',
    );
    console.log(KEEPS_RUNNING);
    return;
  }
  const found = discovery.found;
  const { headless, why } = decideHeadless(process.platform, process.env);
  console.log(
    `Browser: ${found.name} (${found.how}), ${headless ? `headless because ${why}${why.startsWith('CI') ? ' (HEADLESS=0 for a window)' : ''}` : 'in a window'}.`,
  );

  const profile = temporaryProfile();
  let session;
  try {
    session = await launchChromium(found, { headless, profile, exchangePort: sandbox.exchange.port });
  } catch (error) {
    if (isStopping()) return; // Ctrl+C came first: that is why
    console.log(`\nCould not start ${found.name} (${found.path}) with the extension: ${firstLine(error)}.`);
    removeProfile(profile);
    console.log(KEEPS_RUNNING);
    return;
  }
  const { browser, close } = session;
  let closingOnPurpose = false;
  browser.once('disconnected', () => {
    if (closingOnPurpose || isStopping()) return;
    removeProfile(profile);
    console.log(`\n${found.name} was closed; its temporary profile is removed. ${KEEPS_RUNNING}`);
  });
  console.log(
    `Extension loaded (${session.origin}) ${session.method === 'flag' ? 'with --load-extension' : session.method === 'devtools' ? 'over the DevTools protocol' : 'by hand'}.`,
  );

  try {
    const pages = await importSandboxKey(session.open, sandbox);
    console.log(
      `Sandbox key imported: the demo key ${sandbox.accounts.demo.keyId} works in ${found.name} (the sandbox accepted a request signed with it).`,
    );
    if (headless) {
      const shots = await saveScreenshots(pages);
      closingOnPurpose = true;
      await close();
      removeProfile(profile);
      console.log(`Screenshots: ${shots.join(', ')}. The headless browser is closed and its profile removed.`);
      console.log(`On a computer with a screen, npm start opens a window instead (or load ${EXTENSION_DIR} unpacked yourself).`);
    } else {
      console.log(`${found.name} is open with the extension and the sandbox demo key; its options page and popup are in tabs.`);
    }
  } catch (error) {
    if (isStopping()) return;
    console.log(`\nThe sandbox key was not imported: ${firstLine(error)}.`);
  }
  console.log(KEEPS_RUNNING);
}

await main();
