// When npm start runs the browser headless: only where there is truly no screen, or when asked.
import { describe, expect, it } from 'vitest';
import { decideHeadless } from '../../scripts/start-headless';
import { launchArgs } from '../../scripts/start-chromium';

const headless = (platform: NodeJS.Platform, env: Record<string, string> = {}) => decideHeadless(platform, env).headless;

describe('headless or a window', () => {
  it('macOS and Windows: always a window (no DISPLAY there), headless only with HEADLESS=1', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      expect(headless(platform)).toBe(false);
      expect(headless(platform, { CI: '1' })).toBe(false);
      expect(headless(platform, { HEADLESS: '1' })).toBe(true);
      expect(headless(platform, { HEADLESS: 'true' })).toBe(true);
    }
  });

  it('Linux: a window with DISPLAY or WAYLAND_DISPLAY, headless without either', () => {
    expect(decideHeadless('linux', {})).toEqual({
      headless: true,
      why: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)',
    });
    expect(headless('linux', { DISPLAY: ':0' })).toBe(false);
    expect(headless('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(false);
    expect(headless('linux', { DISPLAY: '' })).toBe(true); // set but empty is no display
    expect(headless('freebsd', { DISPLAY: ':0' })).toBe(false);
  });

  it('Linux with CI set: headless even with a display; HEADLESS=0 asks for a window anyway', () => {
    expect(decideHeadless('linux', { DISPLAY: ':99', CI: 'true' })).toEqual({ headless: true, why: 'CI is set' });
    expect(headless('linux', { DISPLAY: ':99', CI: 'false' })).toBe(false);
    expect(headless('linux', { DISPLAY: ':99', CI: '1', HEADLESS: '0' })).toBe(false);
  });
});

describe('the browser flags npm start uses', () => {
  const args = (over: Partial<Parameters<typeof launchArgs>[1]> = {}) =>
    launchArgs(8443, { kind: 'chromium', headless: false, platform: 'linux', root: false, ci: false, ...over });

  it('always send Kalshi’s hosts to the sandbox and accept its certificate (hence the temporary profile)', () => {
    for (const a of [args(), args({ kind: 'chrome', platform: 'darwin' }), args({ kind: 'edge', platform: 'win32' })]) {
      expect(a).toContain('--ignore-certificate-errors');
      expect(a.find((f) => f.startsWith('--host-resolver-rules='))).toContain('MAP demo-api.kalshi.co:443 127.0.0.1:8443');
    }
  });

  it('keep Chromium’s own sandbox on a person’s computer; turn it off only as root or in CI on Linux', () => {
    expect(args({ platform: 'darwin' })).not.toContain('--no-sandbox');
    expect(args({ platform: 'win32' })).not.toContain('--no-sandbox');
    expect(args()).not.toContain('--no-sandbox');
    expect(args({ root: true })).toContain('--no-sandbox');
    expect(args({ ci: true })).toContain('--no-sandbox');
  });

  it('pass --load-extension only where it is honoured, and --disable-gpu only headless', () => {
    expect(args().some((f) => f.startsWith('--load-extension='))).toBe(true);
    expect(args({ kind: 'edge' }).some((f) => f.startsWith('--load-extension='))).toBe(true);
    expect(args({ kind: 'chrome' }).some((f) => /^--(load-extension|disable-extensions-except)=/.test(f))).toBe(false);
    expect(args()).not.toContain('--disable-gpu');
    expect(args({ headless: true })).toContain('--disable-gpu');
  });
});
