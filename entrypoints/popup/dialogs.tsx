import { useState } from 'preact/hooks';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { environmentName } from '../../components/EnvironmentSelect';
import { t, tNodes } from '../../components/i18n';
import type { Environment } from '../../lib/shared/environments';
import { canManageKeys, narrowerPresets, PRESETS, type KeyListItem, type ScopePreset } from '../../lib/messages';
import { PRESET_TEXT } from './scope-words';

/** The popup's dialogs and what its buttons do: loaded on the first click (see App.tsx). */
export { SecretDialog } from './SecretDialog';
export { act, confirm, createKey, locksOut, secretSaved, upgrade } from './actions';

/**
 * `lockout`: the worker found no other key that works, whatever the list said: ask for that consent too.
 * `scopes`: a rotation's narrower preset for the replacement; absent, the same scopes.
 */
export type Confirming = { action: 'delete' | 'forget' | 'rotate'; key: KeyListItem; lockout?: boolean; scopes?: ScopePreset };

export function ConfirmFor(props: {
  confirming: Confirming;
  environment: Environment;
  locksOut: boolean;
  onCancel: () => void;
  onConfirm: (confirmed: Confirming) => void;
}) {
  const { action, key } = props.confirming;
  const env = environmentName(props.environment);
  const lockout = props.locksOut ? <p class="warning">{t('popup_lockout_warning', env)}</p> : null;
  const common = {
    onCancel: props.onCancel,
    onConfirm: () => props.onConfirm(props.confirming),
    acknowledge: props.locksOut ? t('popup_lockout_acknowledge') : undefined,
  };
  if (action === 'delete') {
    return (
      <ConfirmDialog title={t('popup_delete_title', key.name)} confirmLabel={t('popup_action_delete')} danger {...common}>
        <p>{tNodes('popup_delete_body', env, <code>{key.keyId.slice(0, 8)}</code>)}</p>
        {key.signing && !props.locksOut && <p>{t('popup_delete_switches')}</p>}
        {lockout}
      </ConfirmDialog>
    );
  }
  if (action === 'forget') {
    return (
      <ConfirmDialog title={t('popup_forget_title', key.name)} confirmLabel={t('popup_forget_confirm')} danger {...common}>
        <p>{key.deletedOnKalshi ? t('popup_forget_body_deleted') : t('popup_forget_body')}</p>
        {lockout}
      </ConfirmDialog>
    );
  }
  return <RotateDialog keyItem={key} onCancel={props.onCancel} onConfirm={(scopes) => props.onConfirm({ ...props.confirming, scopes })} />;
}

const scopeList = (scopes: readonly string[]) => (scopes.length ? scopes.join(', ') : t('popup_no_scopes'));

/** Rotate: the replacement keeps the key's scopes, or takes a narrower preset (Kalshi cannot narrow a key in place). */
function RotateDialog(props: { keyItem: KeyListItem; onCancel: () => void; onConfirm: (scopes: ScopePreset | undefined) => void }) {
  const key = props.keyItem;
  const [choice, setChoice] = useState<ScopePreset | ''>('');
  // Scopes Kalshi did not list cannot be kept as they are: the user chooses among every preset.
  const unknown = key.scopes.length === 0;
  const narrower = (unknown ? (Object.keys(PRESETS) as ScopePreset[]) : narrowerPresets(key.scopes)).reverse(); // widest first
  // The signing key's replacement signs too: it must still manage keys (the worker refuses otherwise).
  const locksOut = (p: ScopePreset) => key.signing && !canManageKeys(PRESETS[p]);
  return (
    <ConfirmDialog
      title={t('popup_rotate_title', key.name)}
      confirmLabel={t('popup_action_rotate')}
      onCancel={props.onCancel}
      onConfirm={() => props.onConfirm(choice || undefined)}
      disabled={unknown && !choice}
      controls={
        <div class="field">
          <label for="rotate-scopes">{t('popup_rotate_scopes_label')}</label>
          <select
            id="rotate-scopes"
            value={choice}
            aria-describedby="rotate-scopes-hint"
            onChange={(e) => setChoice(e.currentTarget.value as ScopePreset | '')}
          >
            <option value="" disabled={unknown}>
              {unknown ? t('popup_rotate_scopes_choose') : t('popup_rotate_scopes_same', scopeList(key.scopes))}
            </option>
            {narrower.map((p) => (
              <option key={p} value={p} disabled={locksOut(p)}>
                {t('popup_rotate_scopes_preset', t(PRESET_TEXT[p][0]), scopeList(PRESETS[p]))}
              </option>
            ))}
          </select>
          <p id="rotate-scopes-hint" class="hint">
            {choice ? t(PRESET_TEXT[choice][1]) : t(unknown ? 'popup_rotate_scopes_unknown' : 'popup_rotate_scopes_hint')}
            {narrower.some(locksOut) && ` ${t('popup_rotate_scopes_signing')}`}
          </p>
        </div>
      }
    >
      <p>{t('popup_rotate_body')}</p>
      <p>{t('popup_rotate_body_failure')}</p>
    </ConfirmDialog>
  );
}
