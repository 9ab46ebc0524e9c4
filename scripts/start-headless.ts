/**
 * Whether `npm start` shows a window. Headless only when there is truly no screen: Linux (or another
 * Unix) without DISPLAY or WAYLAND_DISPLAY, or with CI set. macOS and Windows always have one, so
 * there it is headless only when asked with HEADLESS=1. HEADLESS=0 asks for a window anywhere.
 */
export interface HeadlessDecision {
  headless: boolean;
  /** Why, in a few words, for the message printed at start. */
  why: string;
}

const set = (value: string | undefined) => value !== undefined && value !== '';
const yes = (value: string | undefined) => set(value) && !['0', 'false', 'no'].includes(value!.toLowerCase());

/** CI set to anything but empty, 0, false or no. */
export const isCi = (env: Record<string, string | undefined>) => yes(env.CI);

export function decideHeadless(platform: NodeJS.Platform, env: Record<string, string | undefined>): HeadlessDecision {
  if (set(env.HEADLESS)) return yes(env.HEADLESS) ? { headless: true, why: 'HEADLESS is set' } : { headless: false, why: 'HEADLESS=0' };
  if (platform === 'darwin' || platform === 'win32') return { headless: false, why: 'this computer has a screen' };
  if (isCi(env)) return { headless: true, why: 'CI is set' };
  if (set(env.DISPLAY) || set(env.WAYLAND_DISPLAY)) return { headless: false, why: 'a display is available' };
  return { headless: true, why: 'there is no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
}
