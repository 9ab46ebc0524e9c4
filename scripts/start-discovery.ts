/**
 * Finds the browser `npm start` (Chromium family) or `npm run start:firefox` opens, the way a person
 * has one installed: an explicit path first, then the usual places on macOS, Windows and Linux.
 * The platform, environment and file system are passed in, so every system can be unit-tested here.
 */
import { posix, win32 } from 'node:path';

export type BrowserKind = 'chromium' | 'chrome-for-testing' | 'chrome' | 'edge' | 'brave' | 'firefox' | 'unknown';

export interface System {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  /** True when a file exists at this absolute path. */
  exists(path: string): boolean;
}

export interface FoundBrowser {
  path: string;
  /** What a person calls it: "Google Chrome", "Microsoft Edge"… */
  name: string;
  kind: BrowserKind;
  /** How it was found, for the message that says which browser was picked. */
  how: string;
}

/** `looked` says where, in a line or two, for the message when nothing was found. */
export type Discovery = { found: FoundBrowser } | { found: null; problem: string; looked: string[] };

const NAMES: Record<BrowserKind, string> = {
  chromium: 'Chromium',
  'chrome-for-testing': 'Chrome for Testing',
  chrome: 'Google Chrome',
  edge: 'Microsoft Edge',
  brave: 'Brave',
  firefox: 'Firefox',
  unknown: 'the browser', // named after its file instead
};

/** Guesses the kind from the file name, for paths given explicitly. */
export function kindOf(path: string): BrowserKind {
  const p = path.toLowerCase().replace(/\\/g, '/');
  if (p.includes('chrome for testing') || p.includes('chrome-for-testing') || /chrome-(linux64|win64|win32|mac)/.test(p))
    return 'chrome-for-testing';
  if (p.includes('firefox')) return 'firefox';
  if (p.includes('msedge') || p.includes('microsoft edge') || p.includes('microsoft-edge')) return 'edge';
  if (p.includes('brave')) return 'brave';
  if (p.includes('chromium')) return 'chromium';
  if (p.includes('google chrome') || p.includes('google-chrome') || p.endsWith('/chrome.exe') || p.includes('/google/chrome/'))
    return 'chrome';
  return 'unknown';
}

type Candidate = [BrowserKind, string];

/** Where to look: each program (kind, path inside a folder) in each folder, program by program. */
interface Places {
  folders: string[];
  programs: Array<[BrowserKind, string]>;
  join(folder: string, program: string): string;
  /** How the folders read in a message. */
  where: string;
}

const candidates = ({ folders, programs, join }: Places): Candidate[] =>
  programs.flatMap(([kind, program]) => folders.map((folder): Candidate => [kind, join(folder, program)]));

function macPlaces(env: System['env'], apps: Array<[BrowserKind, string, string]>): Places {
  const folders = ['/Applications', ...(env.HOME ? [posix.join(env.HOME, 'Applications')] : [])];
  const programs = apps.map(([kind, app, binary]): [BrowserKind, string] => [kind, `${app}.app/Contents/MacOS/${binary}`]);
  return { folders, programs, join: posix.join, where: `in ${folders.join(' and ')}` };
}

function windowsPlaces(env: System['env'], programs: Array<[BrowserKind, string]>): Places {
  const folders = [env.ProgramFiles ?? 'C:\\Program Files', env['ProgramFiles(x86)'] ?? 'C:\\Program Files (x86)', env.LOCALAPPDATA];
  const unique = [...new Set(folders.filter((d): d is string => !!d))];
  return { folders: unique, programs, join: win32.join, where: `in ${unique.join(', ')}` };
}

/** Linux (and other Unix): these command names, looked up on PATH. */
function pathPlaces(env: System['env'], programs: Array<[BrowserKind, string]>): Places {
  return { folders: (env.PATH ?? '').split(':').filter(Boolean), programs, join: posix.join, where: 'on PATH' };
}

export function chromiumPlaces({ platform, env }: Pick<System, 'platform' | 'env'>): Places {
  if (platform === 'darwin')
    return macPlaces(env, [
      ['chromium', 'Chromium', 'Chromium'],
      ['chrome-for-testing', 'Google Chrome for Testing', 'Google Chrome for Testing'],
      ['chrome', 'Google Chrome', 'Google Chrome'],
      ['edge', 'Microsoft Edge', 'Microsoft Edge'],
      ['brave', 'Brave Browser', 'Brave Browser'],
    ]);
  if (platform === 'win32')
    return windowsPlaces(env, [
      ['chromium', 'Chromium\\Application\\chrome.exe'],
      ['chrome', 'Google\\Chrome\\Application\\chrome.exe'],
      ['edge', 'Microsoft\\Edge\\Application\\msedge.exe'],
      ['brave', 'BraveSoftware\\Brave-Browser\\Application\\brave.exe'],
    ]);
  return pathPlaces(env, [
    ['chromium', 'chromium'],
    ['chromium', 'chromium-browser'],
    ['chrome', 'google-chrome'],
    ['chrome', 'google-chrome-stable'],
    ['edge', 'microsoft-edge'],
    ['edge', 'microsoft-edge-stable'],
    ['brave', 'brave-browser'],
  ]);
}

export function firefoxPlaces({ platform, env }: Pick<System, 'platform' | 'env'>): Places {
  if (platform === 'darwin')
    return macPlaces(env, [
      ['firefox', 'Firefox', 'firefox'],
      ['firefox', 'Firefox Developer Edition', 'firefox'],
      ['firefox', 'Firefox Nightly', 'firefox'],
    ]);
  if (platform === 'win32') return windowsPlaces(env, [['firefox', 'Mozilla Firefox\\firefox.exe']]);
  return pathPlaces(env, [
    ['firefox', 'firefox'],
    ['firefox', 'firefox-esr'],
  ]);
}

function discover(system: System, variables: string[], places: Places, wanted: 'chromium' | 'firefox'): Discovery {
  for (const variable of variables) {
    const path = system.env[variable];
    if (!path) continue;
    if (!system.exists(path)) return { found: null, problem: `${variable} is set to ${path}, but there is no file there.`, looked: [] };
    const kind = kindOf(path);
    if (wanted === 'chromium' && kind === 'firefox')
      return { found: null, problem: `${variable} points at Firefox (${path}): use npm run start:firefox for Firefox.`, looked: [] };
    if (wanted === 'firefox' && kind !== 'firefox' && kind !== 'unknown')
      return { found: null, problem: `${variable} points at ${NAMES[kind]} (${path}): use npm start for it.`, looked: [] };
    const named = wanted === 'firefox' ? 'firefox' : kind;
    const name = named === 'unknown' ? (path.split(/[\\/]/).pop() ?? path) : NAMES[named];
    return { found: { path, kind: named, name, how: `from ${variable}` } };
  }
  for (const [kind, path] of candidates(places)) {
    if (system.exists(path)) return { found: { path, kind, name: NAMES[kind], how: `found at ${path}` } };
  }
  const what = wanted === 'firefox' ? 'Firefox' : 'Chromium, Chrome for Testing, Google Chrome, Microsoft Edge or Brave';
  const looked = [`${variables.join(' and ')}: not set`, `${places.where}: ${places.programs.map(([, p]) => p).join(', ')}`];
  return { found: null, problem: `No ${what} found.`, looked };
}

/** CHROMIUM_PATH, then BROWSER_PATH, then the usual places, in the order listed above. */
export function findChromium(system: System): Discovery {
  return discover(system, ['CHROMIUM_PATH', 'BROWSER_PATH'], chromiumPlaces(system), 'chromium');
}

/** FIREFOX_PATH, then BROWSER_PATH, then the usual places. */
export function findFirefox(system: System): Discovery {
  return discover(system, ['FIREFOX_PATH', 'BROWSER_PATH'], firefoxPlaces(system), 'firefox');
}

/** What to install, in the words of each system. */
export function installHint(platform: NodeJS.Platform, wanted: 'chromium' | 'firefox'): string {
  const variable = wanted === 'firefox' ? 'FIREFOX_PATH' : 'CHROMIUM_PATH';
  const get =
    wanted === 'firefox'
      ? platform === 'linux'
        ? 'apt-get install firefox-esr (or your distribution’s firefox)'
        : 'install Firefox from mozilla.org'
      : platform === 'linux'
        ? 'apt-get install chromium (or install Google Chrome)'
        : 'install Google Chrome, Chromium, Microsoft Edge or Brave';
  return `${get}, or set ${variable} to the browser's program file.`;
}
