import { ConfirmDialog } from '../../components/ConfirmDialog';
import { environmentName } from '../../components/EnvironmentSelect';
import { t, tNodes } from '../../components/i18n';
import type { Environment } from '../../lib/shared/environments';
import type { KeyListItem } from '../../lib/messages';

/** The popup's dialogs and what its buttons do: loaded on the first click (see App.tsx). */
export { SecretDialog } from './SecretDialog';
export { act, confirm, createKey, secretSaved } from './actions';

/** `lockout`: the worker found no other key that works, whatever the list said: ask for that consent too. */
export type Confirming = { action: 'delete' | 'forget' | 'rotate'; key: KeyListItem; lockout?: boolean };

export function ConfirmFor(props: {
  confirming: Confirming;
  environment: Environment;
  locksOut: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const { action, key } = props.confirming;
  const env = environmentName(props.environment);
  const lockout = props.locksOut ? <p class="warning">{t('popup_lockout_warning', env)}</p> : null;
  const common = {
    onCancel: props.onCancel,
    onConfirm: props.onConfirm,
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
  return (
    <ConfirmDialog
      title={t('popup_rotate_title', key.name)}
      confirmLabel={t('popup_action_rotate')}
      onCancel={props.onCancel}
      onConfirm={props.onConfirm}
    >
      <p>{t('popup_rotate_body')}</p>
      <p>{t('popup_rotate_body_failure')}</p>
    </ConfirmDialog>
  );
}
