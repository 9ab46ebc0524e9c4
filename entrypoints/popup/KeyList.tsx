import { useEffect } from 'preact/hooks';
import type { KeyListItem } from '../../lib/protocol';
import { canManageKeys } from '../../lib/scopes';
import { timeAgo } from './time-ago';

export type KeyAction = 'copy' | 'test' | 'use' | 'rotate' | 'forget' | 'delete';

export function KeyList(props: { keys: KeyListItem[] | null; busy: boolean; now: number; onAction: (action: KeyAction, key: KeyListItem) => void }) {
  const { keys, busy, onAction } = props;
  // Preact runs effects after the next frame: `npm run bench` reads this mark (bench/popup.ts).
  useEffect(() => void (keys && performance.mark('kkm:key-list-painted')), [keys]);
  if (keys === null) return <p class="hint key-list-placeholder">Loading keys from Kalshi…</p>;
  if (keys.length === 0) return <p class="hint key-list-placeholder">This account has no API keys.</p>;
  return (
    <ul class="key-list" aria-label="API keys">
      {keys.map((key) => {
        const name = key.name || 'Unnamed key';
        // Accessible names start with the visible label, then say which key: "Delete sandbox".
        const button = (action: KeyAction, label: string, cls = 'link') => (
          <button type="button" class={cls} disabled={busy} aria-label={`${label} ${name}`} onClick={() => onAction(action, key)}>
            {label}
          </button>
        );
        return (
          <li key={key.keyId} class="key">
            <div class="key-head">
              <span class="key-name">{name}</span>
              {key.signing && <span class="badge badge-signing">signs requests</span>}
              {key.held && !key.signing && <span class="badge">held here</span>}
              <span class="key-head-end">{button('delete', 'Delete', 'danger small')}</span>
            </div>
            <div class="key-id-row">
              <code class="key-id">{key.keyId}</code>
              {button('copy', 'Copy ID')}
            </div>
            <p class="key-meta">
              {key.scopes.length ? key.scopes.join(', ') : 'no scopes'}
              {key.subaccount !== null && ` · subaccount ${key.subaccount}`}
              {key.held && ` · ${key.lastVerifiedAt ? `verified ${timeAgo(key.lastVerifiedAt, props.now)}` : 'not verified yet'}`}
            </p>
            {key.signing && !canManageKeys(key.scopes) && (
              <p class="key-warning">This key lacks “read” + “write”, so the extension cannot create or delete keys with it.</p>
            )}
            {key.held && (
              <div class="key-actions">
                {button('test', 'Test')}
                {!key.signing && button('use', 'Use for signing')}
                {button('rotate', 'Rotate')}
                {button('forget', 'Forget in this browser')}
              </div>
            )}
          </li>
        );
      })}
    </ul>
  );
}
