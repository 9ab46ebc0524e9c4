import { ALL_API_HOSTS, HOSTS, type Environment } from '../shared/environments';

/**
 * Access to Kalshi's hosts. Chrome grants the manifest's host_permissions at install; the extension
 * cannot drop them (`permissions.remove` answers "You cannot remove required permissions"), but the
 * user can withhold them in chrome://extensions → Details → Site access ("On click", "On specific
 * sites"). Firefox (MV3) grants them at install too, and lists them in about:addons → Permissions
 * where the user can switch them off; enterprise settings can also withhold them. Without access,
 * the background's requests are ordinary cross-origin requests: Kalshi's CORS preflight does not
 * allow them, and they fail as if Kalshi were unreachable. The popup and the options page check, and
 * offer **Allow access to Kalshi** (components/HostAccess.tsx).
 *
 * The browser's permissions API is passed in (`browser.permissions` from `wxt/browser`), so this
 * module stays free of extension globals and runs under Node.
 */

/** The four origins in the manifest's host_permissions. */
export const KALSHI_ORIGINS: readonly string[] = ALL_API_HOSTS.map((host) => `https://${host}/*`);

/** The origin an environment's requests go to (the client uses its preferred host only): what the pages check and ask for. */
export function hostOriginsOf(environment: Environment): string[] {
  return [`https://${HOSTS[environment].preferred}/*`];
}

export interface PermissionsApi {
  contains(permissions: { origins: string[] }): Promise<boolean>;
  request(permissions: { origins: string[] }): Promise<boolean>;
}

/** True when the browser lets the extension reach these origins (by default all four Kalshi hosts). Never throws. */
export async function hasHostAccess(
  permissions: Pick<PermissionsApi, 'contains'>,
  origins: readonly string[] = KALSHI_ORIGINS,
): Promise<boolean> {
  try {
    return await permissions.contains({ origins: [...origins] });
  } catch {
    return false;
  }
}

/**
 * Asks the browser for access to these origins (by default the four Kalshi hosts); resolves true once granted.
 * Call it first thing in a click handler of an extension page, before any `await`: Firefox
 * refuses the request ("may only be called from a user input handler") once the click is over,
 * and the background cannot ask at all. Firefox then shows its own permission prompt.
 */
export function requestHostAccess(
  permissions: Pick<PermissionsApi, 'request'>,
  origins: readonly string[] = KALSHI_ORIGINS,
): Promise<boolean> {
  let pending: Promise<boolean>;
  try {
    pending = permissions.request({ origins: [...origins] });
  } catch {
    return Promise.resolve(false);
  }
  return pending.catch(() => false);
}
