import { useEffect, useState } from 'preact/hooks';
import { t } from '../../components/i18n';
import { send } from '../../components/messaging';
import type { BotsView } from '../../lib/messages';

/** Bots that may use a key held here, and Pause all at a click: shown once the live list is drawn, and only when there are any. */
export function BotsLine() {
  const [bots, setBots] = useState<BotsView | null>(null);
  useEffect(() => void send('getBots', {}).then(setBots, () => {}), []);
  const live = bots?.grants.filter((g) => g.state === 'live').length;
  if (!bots || !live) return null;
  return (
    <p class="hint bots-line">
      {t(bots.paused ? 'popup_bots_paused' : 'popup_bots', live)}{' '}
      <button type="button" onClick={() => void send('pauseBots', { paused: !bots.paused }).then(setBots, () => {})}>
        {t(bots.paused ? 'popup_bots_resume' : 'popup_bots_pause')}
      </button>
    </p>
  );
}
