// Browser discovery for npm start / start:firefox on each system, with the file system injected.
import { describe, expect, it } from 'vitest';
import { findChromium, findFirefox, kindOf, type System } from '../../scripts/start-discovery';
import { loadingPlan } from '../../scripts/start-chromium';

const MAC_CHROME = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
const WIN_ENV = {
  ProgramFiles: 'C:\\Program Files',
  'ProgramFiles(x86)': 'C:\\Program Files (x86)',
  LOCALAPPDATA: 'C:\\Users\\ann\\AppData\\Local',
};
const LINUX_PATH = '/home/ann/.local/bin:/usr/local/bin:/usr/bin:/bin';

function system(platform: NodeJS.Platform, env: Record<string, string>, files: string[]): System {
  return { platform, env, exists: (p) => files.includes(p) };
}

describe('npm start finds a Chromium-family browser', () => {
  it('macOS with only Google Chrome: picks it, and loads the extension over DevTools since Chrome ignores --load-extension', () => {
    const { found } = findChromium(system('darwin', { HOME: '/Users/ann' }, [MAC_CHROME]));
    expect(found).toEqual({ path: MAC_CHROME, name: 'Google Chrome', kind: 'chrome', how: `found at ${MAC_CHROME}` });
    expect(loadingPlan(found!.kind)).toEqual(['devtools', 'by-hand']);
  });

  it('macOS: an app in ~/Applications counts; Chromium is preferred to Chrome', () => {
    const mine = '/Users/ann/Applications/Brave Browser.app/Contents/MacOS/Brave Browser';
    expect(findChromium(system('darwin', { HOME: '/Users/ann' }, [mine])).found).toMatchObject({
      kind: 'brave',
      name: 'Brave',
      path: mine,
    });
    const chromium = '/Applications/Chromium.app/Contents/MacOS/Chromium';
    expect(findChromium(system('darwin', {}, [MAC_CHROME, chromium])).found?.kind).toBe('chromium');
    const cft = '/Applications/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing';
    expect(findChromium(system('darwin', {}, [MAC_CHROME, cft])).found?.kind).toBe('chrome-for-testing');
  });

  it('Windows with only Edge (in Program Files (x86), where it installs): picks Edge, tries --load-extension first', () => {
    const edge = 'C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe';
    const { found } = findChromium(system('win32', WIN_ENV, [edge]));
    expect(found).toEqual({ path: edge, name: 'Microsoft Edge', kind: 'edge', how: `found at ${edge}` });
    expect(loadingPlan(found!.kind)).toEqual(['flag', 'devtools', 'by-hand']);
  });

  it('Windows: Chrome installed for one user (LOCALAPPDATA), and the default folders when the variables are missing', () => {
    const chrome = 'C:\\Users\\ann\\AppData\\Local\\Google\\Chrome\\Application\\chrome.exe';
    expect(findChromium(system('win32', WIN_ENV, [chrome])).found).toMatchObject({ kind: 'chrome', path: chrome });
    const brave = 'C:\\Program Files\\BraveSoftware\\Brave-Browser\\Application\\brave.exe';
    expect(findChromium(system('win32', {}, [brave])).found).toMatchObject({ kind: 'brave', path: brave });
  });

  it('Linux with Chromium on PATH: /usr/bin/chromium, as on these machines', () => {
    const { found } = findChromium(system('linux', { PATH: LINUX_PATH }, ['/usr/bin/chromium', '/usr/bin/google-chrome']));
    expect(found).toEqual({ path: '/usr/bin/chromium', name: 'Chromium', kind: 'chromium', how: 'found at /usr/bin/chromium' });
    expect(loadingPlan(found!.kind)).toEqual(['flag', 'devtools', 'by-hand']);
  });

  it('Linux: chromium-browser, google-chrome, microsoft-edge and brave-browser, by those names on PATH', () => {
    const linux = (file: string) => findChromium(system('linux', { PATH: LINUX_PATH }, [file])).found?.kind;
    expect(linux('/usr/bin/chromium-browser')).toBe('chromium');
    expect(linux('/usr/local/bin/google-chrome')).toBe('chrome');
    expect(linux('/usr/bin/microsoft-edge')).toBe('edge');
    expect(linux('/home/ann/.local/bin/brave-browser')).toBe('brave');
    expect(linux('/opt/google/chrome/chrome')).toBeUndefined(); // not on PATH
  });

  it('nothing found: says so, and where it looked, on each system', () => {
    const mac = findChromium(system('darwin', { HOME: '/Users/ann' }, []));
    expect(mac).toEqual({
      found: null,
      problem: 'No Chromium, Chrome for Testing, Google Chrome, Microsoft Edge or Brave found.',
      looked: [
        'CHROMIUM_PATH and BROWSER_PATH: not set',
        'in /Applications and /Users/ann/Applications: Chromium.app/Contents/MacOS/Chromium, ' +
          'Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing, Google Chrome.app/Contents/MacOS/Google Chrome, ' +
          'Microsoft Edge.app/Contents/MacOS/Microsoft Edge, Brave Browser.app/Contents/MacOS/Brave Browser',
      ],
    });
    const win = findChromium(system('win32', WIN_ENV, []));
    expect(win.found).toBeNull();
    expect(!win.found && win.looked[1]).toMatch(
      /^in C:\\Program Files, C:\\Program Files \(x86\), C:\\Users\\ann\\AppData\\Local: Chromium/,
    );
    const linux = findChromium(system('linux', { PATH: LINUX_PATH }, []));
    expect(!linux.found && linux.looked[1]).toBe(
      'on PATH: chromium, chromium-browser, google-chrome, google-chrome-stable, microsoft-edge, microsoft-edge-stable, brave-browser',
    );
  });

  it('an explicit path comes first; one that does not exist is reported, not silently replaced', () => {
    const linux = (env: Record<string, string>, files: string[]) => findChromium(system('linux', { PATH: LINUX_PATH, ...env }, files));
    expect(
      linux({ CHROMIUM_PATH: '/opt/cft/chrome-linux64/chrome' }, ['/usr/bin/chromium', '/opt/cft/chrome-linux64/chrome']).found,
    ).toEqual({
      path: '/opt/cft/chrome-linux64/chrome',
      name: 'Chrome for Testing',
      kind: 'chrome-for-testing',
      how: 'from CHROMIUM_PATH',
    });
    expect(linux({ BROWSER_PATH: '/usr/bin/google-chrome' }, ['/usr/bin/chromium', '/usr/bin/google-chrome']).found?.how).toBe(
      'from BROWSER_PATH',
    );
    expect(
      linux({ CHROMIUM_PATH: '/usr/bin/chromium', BROWSER_PATH: '/usr/bin/google-chrome' }, ['/usr/bin/chromium', '/usr/bin/google-chrome'])
        .found?.kind,
    ).toBe('chromium');
    expect(linux({ CHROMIUM_PATH: '/opt/nowhere/chrome' }, ['/usr/bin/chromium'])).toEqual({
      found: null,
      problem: 'CHROMIUM_PATH is set to /opt/nowhere/chrome, but there is no file there.',
      looked: [],
    });
    expect(linux({ BROWSER_PATH: '/usr/bin/firefox' }, ['/usr/bin/firefox'])).toMatchObject({
      found: null,
      problem: expect.stringMatching(/start:firefox/),
    });
  });

  it('explicit paths are recognised by name on every system', () => {
    expect(kindOf('C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe')).toBe('edge');
    expect(kindOf('C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe')).toBe('chrome');
    expect(kindOf('C:\\Users\\ann\\AppData\\Local\\Chromium\\Application\\chrome.exe')).toBe('chromium');
    expect(kindOf('C:\\tools\\chrome-win64\\chrome.exe')).toBe('chrome-for-testing');
    expect(kindOf('/Applications/Google Chrome Canary.app/Contents/MacOS/Google Chrome Canary')).toBe('chrome');
    expect(kindOf('/usr/bin/microsoft-edge-beta')).toBe('edge');
    expect(kindOf('/opt/vivaldi/vivaldi')).toBe('unknown');
    // Any other Chromium-family browser: named after its file, --load-extension tried first.
    const other = findChromium(system('linux', { CHROMIUM_PATH: '/opt/vivaldi/vivaldi' }, ['/opt/vivaldi/vivaldi'])).found;
    expect(other).toMatchObject({ name: 'vivaldi', kind: 'unknown', how: 'from CHROMIUM_PATH' });
    expect(loadingPlan(other!.kind)).toEqual(['flag', 'devtools', 'by-hand']);
  });
});

describe('npm run start:firefox finds Firefox', () => {
  it('macOS, Windows and Linux at their usual places', () => {
    const mac = '/Applications/Firefox.app/Contents/MacOS/firefox';
    expect(findFirefox(system('darwin', {}, [mac])).found).toEqual({ path: mac, name: 'Firefox', kind: 'firefox', how: `found at ${mac}` });
    const win = 'C:\\Program Files\\Mozilla Firefox\\firefox.exe';
    expect(findFirefox(system('win32', WIN_ENV, [win])).found?.path).toBe(win);
    expect(findFirefox(system('linux', { PATH: LINUX_PATH }, ['/usr/bin/firefox-esr'])).found?.path).toBe('/usr/bin/firefox-esr');
  });

  it('FIREFOX_PATH first; nothing found says where it looked; a Chrome in BROWSER_PATH is refused', () => {
    const linux = (env: Record<string, string>, files: string[]) => findFirefox(system('linux', { PATH: LINUX_PATH, ...env }, files));
    expect(linux({ FIREFOX_PATH: '/opt/ff/firefox' }, ['/opt/ff/firefox', '/usr/bin/firefox']).found?.how).toBe('from FIREFOX_PATH');
    expect(linux({}, [])).toEqual({
      found: null,
      problem: 'No Firefox found.',
      looked: ['FIREFOX_PATH and BROWSER_PATH: not set', 'on PATH: firefox, firefox-esr'],
    });
    expect(linux({ BROWSER_PATH: '/usr/bin/google-chrome' }, ['/usr/bin/google-chrome'])).toMatchObject({
      found: null,
      problem: 'BROWSER_PATH points at Google Chrome (/usr/bin/google-chrome): use npm start for it.',
    });
  });
});
