import { resolve } from 'node:path';
import { ALL_API_HOSTS } from '../lib/shared/environments';

/** The production build, as a user would load it unpacked. */
export const EXTENSION_DIR = resolve('.output/chrome-mv3');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Browser flags that send Kalshi's real hostnames to the local exchange: the build itself is unchanged. */
export function chromiumArgs(extensionDir: string, exchangePort: number): string[] {
  const rules = ALL_API_HOSTS.map((host) => `MAP ${host}:443 127.0.0.1:${exchangePort}`).join(', ');
  return [
    `--disable-extensions-except=${extensionDir}`,
    `--load-extension=${extensionDir}`,
    `--host-resolver-rules=${rules}`,
    '--ignore-certificate-errors',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ];
}
