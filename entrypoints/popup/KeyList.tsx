import { useEffect, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../components/i18n';
import type { KeyAlgorithm, KeyListItem } from '../../lib/messages';
import { canManageKeys, canMoveMoney } from '../../lib/messages';
import { FIRST_SCREEN_ROWS } from '../../lib/popup-shell';
import { timeAgo } from './time-ago';

/** From this many keys on, a filter by name or id. */
const FILTER_FROM = 8;

export type KeyAction = 'copy' | 'test' | 'use' | 'rotate' | 'forget' | 'delete' | 'keep' | 'show';

/** What Kalshi's answers say of a key, as badges, a line of words, and the actions that make sense. */
function standing(key: KeyListItem, isNew: boolean) {
  const badges: Array<[MessageKey, 'signing' | 'warning' | 'money' | 'plain']> = [];
  const notes: MessageKey[] = [];
  let actions: KeyAction[];
  if (key.signing) badges.push(['popup_badge_signing', 'signing']);
  if (isNew) badges.push(['popup_badge_new', 'plain']);
  if (key.rejected && !key.deletedOnKalshi) badges.push(['popup_badge_rejected', 'warning']);
  if (key.held && !key.signing && !key.deletedOnKalshi) badges.push(['popup_badge_held', 'plain']);
  if (key.deletedOnKalshi) {
    // Kalshi refuses it and does not list it: all that is left is the copy here.
    badges.push(['popup_badge_deleted', 'warning']);
    notes.push('popup_key_deleted_on_kalshi');
    actions = ['forget'];
  } else if (key.lost) {
    badges.push(key.lost === 'unreadable' ? ['popup_badge_lost_unreadable', 'warning'] : ['popup_badge_lost_never_saved', 'warning']);
    notes.push(key.lost === 'unreadable' ? 'popup_key_lost_unreadable' : 'popup_key_lost_never_saved');
    actions = ['delete'];
  } else if (key.awaitingSave) {
    badges.push(['popup_badge_awaiting_save', 'warning']);
    notes.push('popup_key_awaiting_save');
    actions = ['show', 'delete'];
  } else if (key.maybeLostAnswer) {
    // Not certain: the user decides.
    notes.push('popup_key_maybe_lost_answer');
    actions = ['keep', 'delete'];
  } else if (key.held) {
    if (key.unconfirmed) badges.push(['popup_badge_unconfirmed', 'plain']);
    // Rotate and Delete act on a key this account's list names, the list just read (the worker also
    // refuses a key of an account Kalshi has not named: `accountUnknown` keys are unconfirmed too).
    actions = [
      'test',
      ...(key.signing ? [] : (['use'] as const)),
      ...(key.rejected || key.unconfirmed ? [] : (['rotate'] as const)),
      'forget',
    ];
    if (!key.unconfirmed) actions.push('delete');
  } else {
    actions = ['delete'];
  }
  // Least privilege: a key that can transfer funds says so (gone from Kalshi, it can do nothing).
  if (!key.deletedOnKalshi && canMoveMoney(key.scopes)) badges.push(['popup_badge_money', 'money']);
  return { badges, notes, actions };
}

/** Badges whose meaning needs a sentence: a tooltip, and the same words for screen readers. */
const BADGE_NOTE: Partial<Record<MessageKey, MessageKey>> = {
  popup_badge_money: 'popup_badge_money_note',
  popup_badge_new: 'popup_badge_new_note',
};

/** Rows added per frame after the first screen: a list of hundreds never holds the page for long. */
const ROWS_PER_FRAME = 40;

/** Only held keys have a type: Kalshi's list does not say one (never guessed). */
const TYPE_TEXT: Record<KeyAlgorithm, MessageKey> = { 'RSA-PSS': 'popup_meta_type_rsa', Ed25519: 'popup_meta_type_ed25519' };

const ACTION_LABEL: Record<KeyAction, MessageKey> = {
  copy: 'popup_action_copy_id',
  test: 'popup_action_test',
  use: 'popup_action_use',
  rotate: 'popup_action_rotate',
  forget: 'popup_action_forget',
  delete: 'popup_action_delete',
  keep: 'popup_action_keep',
  show: 'popup_action_show_secret',
};

export function KeyList(props: {
  keys: KeyListItem[] | null;
  /** The keys come from Kalshi's list (not only from what this browser holds). */
  listed: boolean;
  /** That list was just read for the account shown; otherwise it is the last one seen, and only read from. */
  live: boolean;
  busy: boolean;
  now: number;
  /** Keys Kalshi lists that the list seen last did not: shown first among those not held here. */
  newKeys?: ReadonlySet<string>;
  onAction: (action: KeyAction, key: KeyListItem) => void;
}) {
  const { keys, busy, onAction } = props;
  const [query, setQuery] = useState('');
  // The first screen's rows paint first; the rest follow a frame at a time once the list is live
  // (Preact runs effects after the paint), so a list of hundreds of bot keys opens as fast as a list
  // of one. The list seen last, only read from until Kalshi's answer, keeps its first screen.
  const [rows, setRows] = useState(FIRST_SCREEN_ROWS);
  useEffect(() => {
    if (props.live && keys && keys.length > rows) setRows(rows + ROWS_PER_FRAME);
  }, [keys, props.live, rows]);
  if (keys === null) return <p class="hint key-list-placeholder">{t('popup_loading_keys')}</p>;
  // "No API keys" only when Kalshi's own list said so.
  if (keys.length === 0) return props.listed ? <p class="hint key-list-placeholder">{t('popup_no_keys')}</p> : null;
  const wanted = query.trim().toLowerCase();
  const matching = wanted ? keys.filter((k) => k.name.toLowerCase().includes(wanted) || k.keyId.includes(wanted)) : keys;
  return (
    <>
      {keys.length > FILTER_FROM && (
        <input
          type="search"
          class="key-filter"
          aria-label={t('popup_filter_label')}
          placeholder={t('popup_filter_label')}
          value={query}
          onInput={(event) => setQuery(event.currentTarget.value)}
        />
      )}
      {matching.length === 0 && <p class="hint key-list-placeholder">{t('popup_filter_none', query.trim())}</p>}
      {/* data-filtered: the screen copy (lib/popup-shell/screen-copy.ts) is not taken of a filtered list */}
      <ul
        class="key-list"

        aria-label={t('popup_keys_label')}
        hidden={matching.length === 0}
        data-filtered={wanted ? '' : undefined}
      >
        {matching.slice(0, rows).map((key) => {
          const name = key.name || t('popup_unnamed_key');
          const { badges, notes, actions } = standing(key, props.newKeys?.has(key.keyId) === true);
          // Accessible names start with the visible label, then say which key: "Delete sandbox".
          const button = (action: KeyAction, cls = 'link') => {
            const label = t(ACTION_LABEL[action]);
            return (
              <button
                key={action}
                type="button"
                class={cls}
                disabled={busy || (!props.live && action !== 'copy')}
                aria-label={t('popup_key_button_label', label, name)}
                onClick={() => onAction(action, key)}
              >
                {label}
              </button>
            );
          };
          const meta = [
            ...(key.algorithm ? [t(TYPE_TEXT[key.algorithm])] : []),
            key.scopes.length ? key.scopes.join(', ') : t('popup_no_scopes'),
            ...(key.subaccount !== null ? [t('popup_meta_subaccount', key.subaccount)] : []),
            ...(key.held && !key.deletedOnKalshi
              ? [key.lastVerifiedAt ? t('popup_meta_verified', timeAgo(key.lastVerifiedAt, props.now)) : t('popup_meta_not_verified')]
              : []),
          ];
          const rowActions = actions.filter((a) => a !== 'delete');
          return (
            <li key={key.keyId} class="key">
              <div class="key-head">
                <span class="key-name">{name}</span>
                {badges.map(([label, kind]) => {
                  const note = BADGE_NOTE[label];
                  return (
                    <span key={label} class={kind === 'plain' ? 'badge' : `badge badge-${kind}`} title={note && t(note)}>
                      {t(label)}
                      {note && <span class="visually-hidden"> {t(note)}</span>}
                    </span>
                  );
                })}
                {actions.includes('delete') && <span class="key-head-end">{button('delete', 'danger small')}</span>}
              </div>
              <div class="key-id-row">
                <code class="key-id">{key.keyId}</code>
                {button('copy')}
              </div>
              <p class="key-meta">{meta.join(' · ')}</p>
              {notes.map((note) => (
                <p key={note} class="key-note">
                  {t(note)}
                </p>
              ))}
              {key.signing && !key.deletedOnKalshi && !canManageKeys(key.scopes) && (
                <p class="key-warning">{t('popup_key_cannot_manage')}</p>
              )}
              {rowActions.length > 0 && <div class="key-actions">{rowActions.map((action) => button(action))}</div>}
            </li>
          );
        })}
      </ul>
    </>
  );
}
