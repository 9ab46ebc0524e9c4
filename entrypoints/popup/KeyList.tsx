import { useEffect } from 'preact/hooks';
import { t, type MessageKey } from '../../components/i18n';
import type { KeyListItem } from '../../lib/messages';
import { canManageKeys } from '../../lib/messages';
import { timeAgo } from './time-ago';

export type KeyAction = 'copy' | 'test' | 'use' | 'rotate' | 'forget' | 'delete';

export function KeyList(props: {
  keys: KeyListItem[] | null;
  busy: boolean;
  now: number;
  onAction: (action: KeyAction, key: KeyListItem) => void;
}) {
  const { keys, busy, onAction } = props;
  // Preact runs effects after the next frame: `npm run bench` reads this mark (bench/browser.ts).
  useEffect(() => void (keys && performance.mark('kkm:key-list-painted')), [keys]);
  if (keys === null) return <p class="hint key-list-placeholder">{t('popup_loading_keys')}</p>;
  if (keys.length === 0) return <p class="hint key-list-placeholder">{t('popup_no_keys')}</p>;
  return (
    <ul class="key-list" aria-label={t('popup_keys_label')}>
      {keys.map((key) => {
        const name = key.name || t('popup_unnamed_key');
        // Accessible names start with the visible label, then say which key: "Delete sandbox".
        const button = (action: KeyAction, labelKey: MessageKey, cls = 'link') => {
          const label = t(labelKey);
          return (
            <button
              type="button"
              class={cls}
              disabled={busy}
              aria-label={t('popup_key_button_label', label, name)}
              onClick={() => onAction(action, key)}
            >
              {label}
            </button>
          );
        };
        const meta = [
          key.scopes.length ? key.scopes.join(', ') : t('popup_no_scopes'),
          ...(key.subaccount !== null ? [t('popup_meta_subaccount', key.subaccount)] : []),
          ...(key.held
            ? [key.lastVerifiedAt ? t('popup_meta_verified', timeAgo(key.lastVerifiedAt, props.now)) : t('popup_meta_not_verified')]
            : []),
        ];
        return (
          <li key={key.keyId} class="key">
            <div class="key-head">
              <span class="key-name">{name}</span>
              {key.signing && <span class="badge badge-signing">{t('popup_badge_signing')}</span>}
              {key.held && !key.signing && <span class="badge">{t('popup_badge_held')}</span>}
              {key.orphaned && <span class="badge badge-warning">{t('popup_badge_orphaned')}</span>}
              <span class="key-head-end">{button('delete', 'popup_action_delete', 'danger small')}</span>
            </div>
            <div class="key-id-row">
              <code class="key-id">{key.keyId}</code>
              {button('copy', 'popup_action_copy_id')}
            </div>
            <p class="key-meta">{meta.join(' · ')}</p>
            {key.signing && !canManageKeys(key.scopes) && <p class="key-warning">{t('popup_key_cannot_manage')}</p>}
            {key.held && (
              <div class="key-actions">
                {button('test', 'popup_action_test')}
                {!key.signing && button('use', 'popup_action_use')}
                {button('rotate', 'popup_action_rotate')}
                {button('forget', 'popup_action_forget')}
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
