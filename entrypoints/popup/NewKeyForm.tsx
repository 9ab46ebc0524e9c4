import { useState } from 'preact/hooks';
import { t, type MessageKey } from '../../components/i18n';
import type { NewKeyOptions } from '../../lib/messages';
import type { KeyAlgorithm } from '../../lib/messages';
import { PRESETS, SCOPES, type Scope, type ScopePreset } from '../../lib/messages';
import type { KeySource } from '../../lib/messages';
import { PRESET_TEXT } from './scope-words';

type Draft = Omit<NewKeyOptions, 'source' | 'scopes' | 'subaccount' | 'fcmSubtraderId' | 'algorithm'> & {
  /** The user's choice; null until they make one, and then the type follows the destination. */
  algorithm: KeyAlgorithm | null;
  preset: ScopePreset | 'custom';
  custom: Scope[];
  subaccount: string;
  fcmSubtraderId: string;
};

const EMPTY: Draft = {
  name: '',
  algorithm: null,
  destination: 'browser',
  privateKeyFormat: 'pkcs8',
  preset: 'full',
  custom: ['read'],
  subaccount: '',
  fcmSubtraderId: '',
};

const SCOPE_TEXT: Record<Scope, MessageKey> = {
  read: 'scope_read',
  write: 'scope_write',
  'read::block_trade_accept': 'scope_read_block_trade_accept',
  'read::portfolio_balance': 'scope_read_portfolio_balance',
  'write::trade': 'scope_write_trade',
  'write::transfer': 'scope_write_transfer',
  'write::fcm_risk': 'scope_write_fcm_risk',
  'write::block_trade_accept': 'scope_write_block_trade_accept',
};

/** Ed25519 signs ~16× faster here; a downloaded key goes to bots, whose tools may sign only RSA (TypeScript SDK 3.30). */
const algorithmOf = (d: Draft): KeyAlgorithm => d.algorithm ?? (d.destination === 'download' ? 'RSA-PSS' : 'Ed25519');

/** Past this many characters a name gets a warning (this form's old limit; Kalshi publishes none). */
const LONG_NAME_CHARS = 100;

/** The request; the background validates it (a subaccount of NaN or 1.5 is refused there with words). */
function toRequest(d: Draft, source: KeySource): NewKeyOptions {
  const subaccount = d.subaccount.trim() === '' ? undefined : Number(d.subaccount);
  const fcmSubtraderId = d.fcmSubtraderId.trim() === '' ? undefined : d.fcmSubtraderId;
  return {
    name: d.name,
    algorithm: algorithmOf(d),
    destination: d.destination,
    privateKeyFormat: d.privateKeyFormat,
    source,
    scopes: d.preset === 'custom' ? d.custom : PRESETS[d.preset],
    ...(subaccount === undefined ? {} : { subaccount }),
    ...(fcmSubtraderId === undefined ? {} : { fcmSubtraderId }),
  };
}

/**
 * New key: name, where the private half goes, and (folded away) type, scopes and subaccount.
 * "Create key" makes the pair here and uploads only the public half (Premier and up);
 * "Generate on Kalshi" works for every usage level.
 */
export function NewKeyForm(props: {
  busy: boolean;
  canUpload: boolean;
  tierNote: string;
  onSubmit: (request: NewKeyOptions) => Promise<boolean>;
}) {
  const [d, setDraft] = useState<Draft>(EMPTY);
  const set = (patch: Partial<Draft>) => setDraft((old) => ({ ...old, ...patch }));
  const submit = async (source: KeySource) => {
    if (await props.onSubmit(toRequest(d, source))) set({ name: '' });
  };
  const toggleScope = (scope: Scope, on: boolean) => set({ custom: on ? [...d.custom, scope] : d.custom.filter((s) => s !== scope) });
  const presetNote = d.preset === 'custom' ? null : t(PRESET_TEXT[d.preset][1]);
  // Kalshi publishes no limit on names: a long one is warned about, never refused here.
  const longName = d.name.trim().length > LONG_NAME_CHARS;

  return (
    <form
      data-no-copy // below the list: the screen copy leaves it to the app (lib/popup-shell/screen-copy.ts)
      class="create"
      noValidate
      aria-labelledby="new-key-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(props.canUpload ? 'local' : 'kalshi');
      }}
    >
      <h2 id="new-key-heading">{t('newkey_heading')}</h2>
      <div class="field">
        <label for="key-name">{t('newkey_name_label')}</label>
        <input
          id="key-name"
          type="text"
          value={d.name}
          disabled={props.busy}
          placeholder={t('newkey_name_placeholder')}
          aria-describedby={longName ? 'key-name-hint' : undefined}
          onInput={(e) => set({ name: e.currentTarget.value })}
        />
        {longName && (
          <p id="key-name-hint" class="hint hint-warn">
            {t('newkey_name_long')}
          </p>
        )}
      </div>
      <fieldset class="choice" disabled={props.busy}>
        <legend>{t('newkey_private_key_legend')}</legend>
        <label>
          <input type="radio" name="destination" checked={d.destination === 'browser'} onChange={() => set({ destination: 'browser' })} />{' '}
          {t('newkey_keep_in_browser')}
        </label>
        <label>
          <input type="radio" name="destination" checked={d.destination === 'download'} onChange={() => set({ destination: 'download' })} />{' '}
          {t('newkey_download_once')}
        </label>
      </fieldset>
      <details class="options">
        <summary>{t('newkey_more_options')}</summary>
        <div class="field">
          <label for="key-type">{t('newkey_type_label')}</label>
          <select
            id="key-type"
            value={algorithmOf(d)}
            disabled={props.busy}
            aria-describedby={d.destination === 'download' ? 'key-type-hint' : undefined}
            onChange={(e) => set({ algorithm: e.currentTarget.value as KeyAlgorithm })}
          >
            <option value="RSA-PSS">{t('newkey_type_rsa')}</option>
            <option value="Ed25519">{t('newkey_type_ed25519')}</option>
          </select>
          {d.destination === 'download' && (
            <p id="key-type-hint" class="hint">
              {t('newkey_type_download_hint')}
            </p>
          )}
        </div>
        <fieldset class="choice" disabled={props.busy}>
          <legend>{t('newkey_scopes_legend')}</legend>
          {(Object.keys(PRESETS) as ScopePreset[]).map((p) => (
            <label key={p}>
              <input type="radio" name="preset" checked={d.preset === p} onChange={() => set({ preset: p })} /> {t(PRESET_TEXT[p][0])}
            </label>
          ))}
          <label>
            <input type="radio" name="preset" checked={d.preset === 'custom'} onChange={() => set({ preset: 'custom' })} />{' '}
            {t('newkey_custom_scopes')}
          </label>
          {presetNote && <p class={d.preset === 'full' ? 'hint hint-warn' : 'hint'}>{presetNote}</p>}
          {d.preset === 'custom' &&
            SCOPES.map((scope) => (
              <label key={scope} class="scope">
                <input type="checkbox" checked={d.custom.includes(scope)} onChange={(e) => toggleScope(scope, e.currentTarget.checked)} />{' '}
                <code>{scope}</code> {t(SCOPE_TEXT[scope])}
              </label>
            ))}
        </fieldset>
        <div class="field">
          <label for="subaccount">{t('newkey_subaccount_label')}</label>
          <input
            id="subaccount"
            type="number"
            min={0}
            max={63}
            step={1}
            inputMode="numeric"
            value={d.subaccount}
            disabled={props.busy}
            onInput={(e) => set({ subaccount: e.currentTarget.value })}
          />
        </div>
        <div class="field">
          <label for="fcm-subtrader">{t('newkey_fcm_label')}</label>
          <input
            id="fcm-subtrader"
            type="text"
            value={d.fcmSubtraderId}
            disabled={props.busy}
            onInput={(e) => set({ fcmSubtraderId: e.currentTarget.value })}
          />
        </div>
        {d.destination === 'download' && algorithmOf(d) === 'RSA-PSS' && (
          <div class="field">
            <label for="key-format">{t('newkey_format_label')}</label>
            <select
              id="key-format"
              value={d.privateKeyFormat}
              disabled={props.busy}
              onChange={(e) => set({ privateKeyFormat: e.currentTarget.value as 'pkcs8' | 'pkcs1' })}
            >
              <option value="pkcs8">{t('newkey_format_pkcs8')}</option>
              <option value="pkcs1">{t('newkey_format_pkcs1')}</option>
            </select>
          </div>
        )}
      </details>
      <p class="hint">{props.tierNote}</p>
      <div class="create-actions">
        {props.canUpload && (
          <button type="submit" class="primary" disabled={props.busy}>
            {t('newkey_create')}
          </button>
        )}
        <button
          type={props.canUpload ? 'button' : 'submit'}
          class={props.canUpload ? '' : 'primary'}
          disabled={props.busy}
          onClick={props.canUpload ? () => void submit('kalshi') : undefined}
        >
          {t('newkey_generate_on_kalshi')}
        </button>
      </div>
    </form>
  );
}
