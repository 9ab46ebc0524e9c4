import { useState } from 'preact/hooks';
import type { NewKeyOptions } from '../../lib/minting';
import type { KeyAlgorithm } from '../../lib/pem';
import { PRESETS, SCOPE_LABEL, SCOPES, type Scope, type ScopePreset } from '../../lib/scopes';
import type { KeySource } from '../../lib/tiers';

type Draft = Omit<NewKeyOptions, 'source' | 'scopes' | 'subaccount' | 'fcmSubtraderId'> & {
  preset: ScopePreset | 'custom';
  custom: Scope[];
  subaccount: string;
  fcmSubtraderId: string;
};

const EMPTY: Draft = {
  name: '',
  algorithm: 'RSA-PSS',
  destination: 'browser',
  privateKeyFormat: 'pkcs8',
  preset: 'full',
  custom: ['read'],
  subaccount: '',
  fcmSubtraderId: '',
};

/** The request; the background validates it (a subaccount of NaN or 1.5 is refused there with words). */
function toRequest(d: Draft, source: KeySource): NewKeyOptions {
  const subaccount = d.subaccount.trim() === '' ? undefined : Number(d.subaccount);
  const fcmSubtraderId = d.fcmSubtraderId.trim() === '' ? undefined : d.fcmSubtraderId;
  return {
    name: d.name,
    algorithm: d.algorithm,
    destination: d.destination,
    privateKeyFormat: d.privateKeyFormat,
    source,
    scopes: d.preset === 'custom' ? d.custom : PRESETS[d.preset].scopes,
    ...(subaccount === undefined ? {} : { subaccount }),
    ...(fcmSubtraderId === undefined ? {} : { fcmSubtraderId }),
  };
}

/**
 * New key: name, where the private half goes, and (folded away) type, scopes and subaccount.
 * "Create key" makes the pair here and uploads only the public half (Premier and up);
 * "Generate on Kalshi" works for every usage level.
 */
export function NewKeyForm(props: { busy: boolean; canUpload: boolean; tierNote: string; onSubmit: (request: NewKeyOptions) => Promise<boolean> }) {
  const [d, setDraft] = useState<Draft>(EMPTY);
  const set = (patch: Partial<Draft>) => setDraft((old) => ({ ...old, ...patch }));
  const submit = async (source: KeySource) => {
    if (await props.onSubmit(toRequest(d, source))) set({ name: '' });
  };
  const toggleScope = (scope: Scope, on: boolean) => set({ custom: on ? [...d.custom, scope] : d.custom.filter((s) => s !== scope) });
  const preset = d.preset === 'custom' ? null : PRESETS[d.preset];

  return (
    <form
      class="create"
      noValidate
      aria-labelledby="new-key-heading"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(props.canUpload ? 'local' : 'kalshi');
      }}
    >
      <h2 id="new-key-heading">New key</h2>
      <div class="field">
        <label for="key-name">Key name</label>
        <input id="key-name" type="text" maxLength={100} value={d.name} disabled={props.busy} placeholder="e.g. laptop" onInput={(e) => set({ name: e.currentTarget.value })} />
      </div>
      <fieldset class="choice" disabled={props.busy}>
        <legend>Private key</legend>
        <label>
          <input type="radio" name="destination" checked={d.destination === 'browser'} onChange={() => set({ destination: 'browser' })} /> Keep in this browser
        </label>
        <label>
          <input type="radio" name="destination" checked={d.destination === 'download'} onChange={() => set({ destination: 'download' })} /> Download once, for a bot or server
        </label>
      </fieldset>
      <details class="options">
        <summary>Key type, scopes, subaccount</summary>
        <div class="field">
          <label for="key-type">Key type</label>
          <select id="key-type" value={d.algorithm} disabled={props.busy} onChange={(e) => set({ algorithm: e.currentTarget.value as KeyAlgorithm })}>
            <option value="RSA-PSS">RSA-PSS 2048 (Kalshi’s default)</option>
            <option value="Ed25519">Ed25519 (faster, newer)</option>
          </select>
        </div>
        <fieldset class="choice" disabled={props.busy}>
          <legend>Scopes</legend>
          {(Object.keys(PRESETS) as ScopePreset[]).map((p) => (
            <label key={p}>
              <input type="radio" name="preset" checked={d.preset === p} onChange={() => set({ preset: p })} /> {PRESETS[p].label}
            </label>
          ))}
          <label>
            <input type="radio" name="preset" checked={d.preset === 'custom'} onChange={() => set({ preset: 'custom' })} /> Custom
          </label>
          {preset && <p class={d.preset === 'full' ? 'hint hint-warn' : 'hint'}>{preset.note}</p>}
          {d.preset === 'custom' &&
            SCOPES.map((scope) => (
              <label key={scope} class="scope">
                <input type="checkbox" checked={d.custom.includes(scope)} onChange={(e) => toggleScope(scope, e.currentTarget.checked)} />{' '}
                <code>{scope}</code> {SCOPE_LABEL[scope]}
              </label>
            ))}
        </fieldset>
        <div class="field">
          <label for="subaccount">Subaccount (0–63, optional)</label>
          <input id="subaccount" type="number" min={0} max={63} step={1} inputMode="numeric" value={d.subaccount} disabled={props.busy} onInput={(e) => set({ subaccount: e.currentTarget.value })} />
        </div>
        <div class="field">
          <label for="fcm-subtrader">FCM subtrader ID (FCM members only)</label>
          <input id="fcm-subtrader" type="text" value={d.fcmSubtraderId} disabled={props.busy} onInput={(e) => set({ fcmSubtraderId: e.currentTarget.value })} />
        </div>
        {d.destination === 'download' && d.algorithm === 'RSA-PSS' && (
          <div class="field">
            <label for="key-format">File format (keys made in this browser)</label>
            <select id="key-format" value={d.privateKeyFormat} disabled={props.busy} onChange={(e) => set({ privateKeyFormat: e.currentTarget.value as 'pkcs8' | 'pkcs1' })}>
              <option value="pkcs8">PKCS#8 (BEGIN PRIVATE KEY)</option>
              <option value="pkcs1">PKCS#1 (BEGIN RSA PRIVATE KEY), for older tools</option>
            </select>
          </div>
        )}
      </details>
      <p class="hint">{props.tierNote}</p>
      <div class="create-actions">
        {props.canUpload && (
          <button type="submit" class="primary" disabled={props.busy}>
            Create key
          </button>
        )}
        <button type={props.canUpload ? 'button' : 'submit'} class={props.canUpload ? '' : 'primary'} disabled={props.busy} onClick={props.canUpload ? () => void submit('kalshi') : undefined}>
          Generate on Kalshi
        </button>
      </div>
    </form>
  );
}
