import { ConfirmDialog } from '../../components/ConfirmDialog';
import { environmentName } from '../../components/EnvironmentSelect';
import { t, tNodes } from '../../components/i18n';
import type { Environment } from '../../lib/shared/environments';
import type { KeyListItem } from '../../lib/messages';
import type { RotationReport } from '../../lib/messages';

/** The popup's dialogs and the rotation report's words: loaded on first use (see App.tsx). */
export { SecretDialog } from './SecretDialog';

export type Confirming = { action: 'delete' | 'forget' | 'rotate'; key: KeyListItem };

/** A rotation's report in plain sentences, one per key. */
export function rotationLines(r: RotationReport): string[] {
  const oldId = r.oldKeyId.slice(0, 8);
  const newId = r.newKeyId?.slice(0, 8) ?? '';
  if (r.completed) return [t('rotation_done', newId, oldId)];
  const old = {
    active: r.newKeyState === 'signing' ? t('rotation_old_not_signing', oldId) : t('rotation_old_unchanged', oldId),
    deleted: t('rotation_old_deleted', oldId),
    deleted_but_held: t('rotation_old_deleted_but_held', oldId),
  }[r.oldKeyState];
  const fresh = {
    none: t('rotation_new_none'),
    unverified: t('rotation_new_unverified', newId),
    verified: t('rotation_new_verified', newId),
    signing: t('rotation_new_signing', newId),
  }[r.newKeyState];
  return [old, fresh];
}

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
        <p>{t('popup_forget_body')}</p>
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
