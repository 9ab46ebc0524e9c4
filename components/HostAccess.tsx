import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { hasHostAccess, hostOriginsOf, requestHostAccess } from '../lib/messages';
import { HOSTS, type Environment } from '../lib/shared/environments';
import { t } from './i18n';

/**
 * **Allow access to Kalshi**, shown while the browser does not let the extension reach the
 * environment's host: Firefox lets the user switch it off (about:addons → Permissions), Chrome lets
 * them withhold it (Site access). Checked on load and on every permissions change, so an open page
 * follows the browser's settings; `onGranted` runs when access comes back (to read again what failed).
 * A declined prompt changes nothing: the button stays.
 */
export function HostAccess({ environment, onGranted }: { environment: Environment; onGranted?: () => void }) {
  const [missing, setMissing] = useState(false);
  const granted = useRef(onGranted);
  granted.current = onGranted;
  const origins = hostOriginsOf(environment);

  useEffect(() => {
    let live = true;
    let wasMissing = false;
    const check = () =>
      void hasHostAccess(browser.permissions, origins).then((ok) => {
        if (!live) return; // an answer about an environment no longer shown
        if (ok && wasMissing) granted.current?.();
        setMissing((wasMissing = !ok));
      });
    check();
    const { onAdded, onRemoved } = browser.permissions;
    onAdded.addListener(check);
    onRemoved.addListener(check);
    return () => {
      live = false;
      onAdded.removeListener(check);
      onRemoved.removeListener(check);
    };
  }, [environment]);

  return missing ? (
    // Drawn like an error in the status region (base.css), readable in both colour schemes.
    <div class="status status-error host-access">
      <p>{t('host_access_missing', HOSTS[environment].preferred)}</p>
      {/* The request is the whole click handler: Firefox refuses it once the user gesture is over.
          A grant fires permissions.onAdded, which hides this. */}
      <button type="button" class="primary" onClick={() => void requestHostAccess(browser.permissions, origins)}>
        {t('host_access_allow')}
      </button>
    </div>
  ) : null;
}
