import { t } from '../../components/i18n';
import type { RotationReport } from '../../lib/messages';

/** A rotation's report in plain sentences, one per key. */
export function rotationLines(r: RotationReport): string[] {
  const oldId = r.oldKeyId.slice(0, 8);
  const newId = r.newKeyId?.slice(0, 8) ?? '';
  const scopes = r.newScopes ? [t('rotation_new_scopes', newId, r.newScopes.join(', ') || t('popup_no_scopes'))] : [];
  if (r.completed) return [t('rotation_done', newId, oldId), ...scopes];
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
  return [old, fresh, ...scopes];
}
