import { useState } from 'preact/hooks';
import { environmentName } from '../../components/EnvironmentSelect';
import { t, type MessageKey } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import type { Status } from '../../components/StatusMessage';
import { sdkConfiguration } from '../../lib/shared/agent-setup';
import { POWERS, PRESETS, type Power } from '../../lib/shared/grant';
import type { AccountsView, BotsView } from '../../lib/messages';

export const POWER_WORDS: Record<Power, MessageKey> = {
  read: 'bots_power_read',
  trade: 'bots_power_trade',
  transfer: 'bots_power_transfer',
  keys: 'bots_power_keys',
  write: 'bots_power_write',
};
/** Beyond the presets: each named on its own, with a warning. */
const EXTRA_POWERS = POWERS.filter((p) => p !== 'read' && p !== 'trade');
const LASTS_DAYS = [1, 7, 30, 90, 365];

/** Admits a bot: its name, the held key that signs for it, what it may do, for how long, how fast. The token is shown once. */
export function AdmitBot(props: {
  views: AccountsView[];
  onAdmitted: (bots: BotsView) => void;
  onStatus: (s: Status) => void;
  onLogged: () => void;
}) {
  const held = props.views.flatMap((v) => v.heldKeys);
  const [name, setName] = useState('');
  const [key, setKey] = useState('');
  const [preset, setPreset] = useState<keyof typeof PRESETS>('read');
  const [extra, setExtra] = useState<Power[]>([]);
  const [days, setDays] = useState(30);
  const [perSecond, setPerSecond] = useState(10);
  const [busy, setBusy] = useState(false);
  // Shown once, in memory only: gone when the user says it is saved.
  const [token, setToken] = useState<{ value: string; port: number | null } | null>(null);
  const chosen = held.find((k) => `${k.environment}/${k.keyId}` === key) ?? held[0];

  async function admit(event: Event) {
    event.preventDefault();
    if (!chosen || busy) return;
    setBusy(true);
    try {
      const answer = await send('admitBot', {
        name,
        environment: chosen.environment,
        keyId: chosen.keyId,
        powers: [...PRESETS[preset], ...extra],
        expiresInDays: days,
        perSecond,
      });
      props.onAdmitted(answer.bots);
      setToken({ value: answer.token, port: answer.bots.agent.state === 'serving' ? answer.bots.agent.port : null });
      setName('');
      props.onStatus({ kind: 'success', text: t('bots_admitted', name.trim()) });
    } catch (error) {
      props.onStatus({ kind: 'error', error: errorInfoOf(error) });
    } finally {
      setBusy(false);
      props.onLogged();
    }
  }

  if (token)
    return (
      <div class="one-time" role="group" aria-labelledby="token-heading">
        <h3 id="token-heading">{t('bots_token_heading')}</h3>
        <p>{t('bots_token_once')}</p>
        <pre id="bot-token">{token.value}</pre>
        <p>{t('bots_token_sdk')}</p>
        <pre>{sdkConfiguration(token.value, token.port ?? undefined)}</pre>
        <div class="dialog-actions">
          <button type="button" onClick={() => void navigator.clipboard.writeText(token.value)}>
            {t('bots_token_copy')}
          </button>
          <button type="button" class="primary" onClick={() => setToken(null)}>
            {t('bots_token_done')}
          </button>
        </div>
      </div>
    );

  return (
    <form class="admit" onSubmit={(e) => void admit(e)} noValidate>
      <h3>{t('bots_admit_heading')}</h3>
      {held.length === 0 && <p class="hint">{t('bots_admit_no_keys')}</p>}
      <div class="field">
        <label for="bot-name">{t('bots_name_label')}</label>
        <input
          id="bot-name"
          type="text"
          maxLength={60}
          autocomplete="off"
          value={name}
          disabled={busy}
          onInput={(e) => setName(e.currentTarget.value)}
        />
      </div>
      <div class="field">
        <label for="bot-key">{t('bots_key_label')}</label>
        <select
          id="bot-key"
          value={chosen ? `${chosen.environment}/${chosen.keyId}` : ''}
          disabled={busy}
          onChange={(e) => setKey(e.currentTarget.value)}
        >
          {held.map((k) => (
            <option key={`${k.environment}/${k.keyId}`} value={`${k.environment}/${k.keyId}`}>
              {environmentName(k.environment)} · {k.name} · {k.keyId.slice(0, 8)}
            </option>
          ))}
        </select>
      </div>
      <fieldset class="field">
        <legend>{t('bots_may_label')}</legend>
        <label class="check">
          <input type="radio" name="preset" value="read" checked={preset === 'read'} onChange={() => setPreset('read')} />{' '}
          {t('bots_preset_read')}
        </label>
        <label class="check">
          <input type="radio" name="preset" value="trade" checked={preset === 'trade'} onChange={() => setPreset('trade')} />{' '}
          {t('bots_preset_trade')}
        </label>
        {EXTRA_POWERS.map((p) => (
          <label class="check" key={p}>
            <input
              type="checkbox"
              checked={extra.includes(p)}
              onChange={(e) => setExtra((all) => (e.currentTarget.checked ? [...all, p] : all.filter((x) => x !== p)))}
            />{' '}
            {t(POWER_WORDS[p])}
          </label>
        ))}
        {extra.length > 0 && (
          <p class="warning" role="alert">
            {t('bots_extra_warning')}
          </p>
        )}
      </fieldset>
      <div class="field field-inline">
        <label for="bot-days">{t('bots_lasts_label')}</label>
        <select id="bot-days" value={days} disabled={busy} onChange={(e) => setDays(Number(e.currentTarget.value))}>
          {LASTS_DAYS.map((d) => (
            <option key={d} value={d}>
              {t('bots_days', d)}
            </option>
          ))}
        </select>
        <label for="bot-rate">{t('bots_rate_label')}</label>
        <input
          id="bot-rate"
          type="number"
          min={1}
          max={12000}
          value={perSecond}
          disabled={busy}
          aria-describedby="bot-rate-hint"
          onInput={(e) => setPerSecond(Number(e.currentTarget.value))}
        />
      </div>
      <p id="bot-rate-hint" class="hint">
        {t('bots_rate_hint')}
      </p>
      <button type="submit" class="primary" disabled={busy || !chosen}>
        {t('bots_admit_button')}
      </button>
    </form>
  );
}
