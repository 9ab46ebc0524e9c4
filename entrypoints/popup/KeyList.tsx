import type { KeyListItem } from '../../lib/protocol';

export function KeyList({ keys, busy, onDelete }: { keys: KeyListItem[] | null; busy: boolean; onDelete: (key: KeyListItem) => void }) {
  if (keys === null) return <p class="hint key-list-placeholder">Loading keys from Kalshi…</p>;
  if (keys.length === 0) return <p class="hint key-list-placeholder">This account has no API keys.</p>;
  return (
    <ul class="key-list" aria-label="API keys">
      {keys.map((key) => (
        <li key={key.keyId} class="key">
          <div class="key-main">
            <span class="key-name">{key.name || 'Unnamed key'}</span>
            {key.signing && <span class="badge badge-signing">signs requests</span>}
            {key.held && !key.signing && <span class="badge">held here</span>}
            <code class="key-id">{key.keyId}</code>
            <span class="key-meta">
              {key.scopes.length ? key.scopes.join(', ') : 'no scopes'}
              {key.subaccount !== null && ` · subaccount ${key.subaccount}`}
            </span>
          </div>
          <button type="button" class="danger" disabled={busy} aria-label={`Delete ${key.name}`} onClick={() => onDelete(key)}>
            Delete
          </button>
        </li>
      ))}
    </ul>
  );
}
