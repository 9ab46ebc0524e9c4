/**
 * What the popup does when the user acts on a key: loaded on the first click, with the dialogs
 * (see App.tsx), so none of it weighs on the popup's start-up.
 */
import { environmentName } from '../../components/EnvironmentSelect';
import { localizeError, t } from '../../components/i18n';
import { errorInfoOf, send } from '../../components/messaging';
import type { Status } from '../../components/StatusMessage';
import type { AccountHealth, AccountInfo, KeyListItem, NewKeyOptions, Overview, UnsavedSecret } from '../../lib/messages';
import { tierLabel } from '../../lib/messages';
import { userTimeZone } from './AccountHealth';
import type { Environment } from '../../lib/shared/environments';
import type { Confirming } from './dialogs';
import type { KeyAction } from './KeyList';
import { rotationLines } from './rotation-lines';
import { dropFromSnapshot } from './snapshot';

/** A one-time private key on screen; `expiresAt` null when the worker's deadline is not known. */
export type Shown = Omit<UnsavedSecret, 'expiresAt'> & { expiresAt: number | null };

/** What the actions read and change of the popup's state (App.tsx). */
export interface PopupContext {
  environment: Environment;
  keys: KeyListItem[] | null;
  /** How many keys this browser holds for the account shown. */
  heldCount: number;
  run: (busyText: string, work: () => Promise<Status>) => Promise<boolean>;
  load: (next: Promise<Overview>, options?: { initial?: boolean }) => Promise<void>;
  reload: () => Promise<void>;
  showWaitingSecret: (environment: Environment) => Promise<boolean>;
  setStatus: (status: Status) => void;
  setConfirming: (confirming: Confirming | null) => void;
  setShown: (shown: Shown | null) => void;
  setUploadRefused: (refused: boolean) => void;
  setOfferKalshi: (request: NewKeyOptions | null) => void;
}

const dollars = (cents: number) => (cents / 100).toLocaleString('en-US', { style: 'currency', currency: 'USD' });

export const createKey = (ctx: PopupContext, request: NewKeyOptions) =>
  ctx.run(request.source === 'local' ? t('popup_busy_create_local') : t('popup_busy_create_kalshi'), async () => {
    try {
      const created = await send('createApiKey', { environment: ctx.environment, ...request });
      if (created.secret) {
        // The worker keeps it until saved: its deadline comes with it.
        const kept = await send('takeSecret', { environment: ctx.environment }).catch(() => null);
        ctx.setShown(
          kept?.keyId === created.keyId
            ? kept
            : { environment: ctx.environment, keyId: created.keyId, keyName: created.name, secret: created.secret, expiresAt: null },
        );
      }
      await ctx.reload();
      return {
        kind: 'success',
        text: created.held ? t('popup_created_held', created.name) : t('popup_created_shown_once', created.name),
        ...(created.warning ? { lines: [t('popup_kalshi_warning', created.warning)] } : {}),
      };
    } catch (error) {
      const { code } = errorInfoOf(error);
      if (code === 'usage_tier') {
        // Kalshi's 403 is the authority: from now on the form makes keys on Kalshi; this one may be made there at once.
        ctx.setUploadRefused(true);
        if (request.source === 'local') ctx.setOfferKalshi(request);
      }
      // The key may exist after all: the list settles it (kept here, or named for the user to decide).
      if (code === 'outcome_unknown' || code === 'key_lost') await ctx.reload();
      throw error;
    }
  });

export const act = (ctx: PopupContext, action: KeyAction, key: KeyListItem) => {
  if (action === 'delete' || action === 'forget' || action === 'rotate') return ctx.setConfirming({ action, key });
  if (action === 'copy') {
    void navigator.clipboard.writeText(key.keyId).then(
      () => ctx.setStatus({ kind: 'success', text: t('popup_copied_key_id', key.name) }),
      () => ctx.setStatus({ kind: 'success', text: t('popup_copy_refused', key.keyId) }),
    );
    return;
  }
  if (action === 'show') {
    return void ctx.showWaitingSecret(ctx.environment).then(async (found) => {
      if (found) return;
      ctx.setStatus({
        kind: 'error',
        error: { code: 'key_lost', message: t('popup_secret_gone', key.name), hint: t('popup_secret_gone_hint') },
      });
      await ctx.reload();
    });
  }
  if (action === 'keep') {
    return void ctx.run(t('popup_busy_keep', key.name), async () => {
      await send('keepKey', { environment: ctx.environment, keyId: key.keyId });
      await ctx.reload();
      return { kind: 'success', text: t('popup_kept', key.name) };
    });
  }
  if (action === 'test') {
    return void ctx.run(t('popup_busy_test', key.name), async () => {
      const result = await send('testKey', { environment: ctx.environment, keyId: key.keyId });
      await ctx.reload();
      return { kind: 'success', text: t('popup_test_ok', key.name, dollars(result.balanceCents)) };
    });
  }
  return void ctx.run(t('popup_busy_switch', key.name), async () => {
    const next = await send('setSigningKey', { environment: ctx.environment, keyId: key.keyId }); // a refusal is this action's result
    await ctx.load(Promise.resolve(next), { initial: false });
    return { kind: 'success', text: t('popup_switched', key.name) };
  });
};

/** Only held keys of this account that work can take over signing; before any list, what this browser holds. */
export const locksOut = ({ keys, heldCount }: PopupContext, key: KeyListItem) =>
  key.signing && (keys ? !keys.some((k) => k.held && !k.signing && !k.deletedOnKalshi && !k.lost && !k.accountUnknown) : heldCount <= 1);

/** The worker found no other key that works: ask again, with the lock-out warning, instead of failing. */
const askLockout = (ctx: PopupContext, c: Confirming, error: unknown): Status => {
  if (errorInfoOf(error).code !== 'lockout_unconfirmed' || c.lockout) throw error;
  ctx.setConfirming({ ...c, lockout: true });
  return { kind: 'idle' };
};

export const confirm = async (ctx: PopupContext, c: Confirming) => {
  const { action, key } = c;
  ctx.setConfirming(null);
  const confirmLockout = c.lockout === true || locksOut(ctx, key);
  if (action === 'delete') {
    await ctx.run(t('popup_busy_delete', key.name), async () => {
      try {
        await send('deleteApiKey', { environment: ctx.environment, keyId: key.keyId, confirmLockout });
      } catch (error) {
        return askLockout(ctx, c, error);
      }
      dropFromSnapshot(ctx.environment, key.keyId);
      await ctx.reload();
      return { kind: 'success', text: t('popup_deleted', key.name, environmentName(ctx.environment)) };
    });
  } else if (action === 'forget') {
    await ctx.run(t('popup_busy_forget', key.name), async () => {
      let next: Overview;
      try {
        next = await send('forgetKey', { environment: ctx.environment, keyId: key.keyId, confirmLockout });
      } catch (error) {
        return askLockout(ctx, c, error);
      }
      dropFromSnapshot(ctx.environment, key.keyId);
      await ctx.load(Promise.resolve(next), { initial: false });
      return { kind: 'success', text: key.deletedOnKalshi ? t('popup_forgotten_deleted', key.name) : t('popup_forgotten', key.name) };
    });
  } else {
    await ctx.run(t('popup_busy_rotate', key.name), async () => {
      const scopes = c.scopes === undefined ? {} : { scopes: c.scopes };
      const report = await send('rotateKey', { environment: ctx.environment, keyId: key.keyId, ...scopes });
      await ctx.reload();
      const lines = rotationLines(report);
      if (report.completed || !report.error) return { kind: 'success', text: lines[0] ?? '', lines: lines.slice(1) };
      return { kind: 'error', error: localizeError(report.error), lines };
    });
  }
};

/** Basic → Advanced: the health after it, and the level it grants. */
export const upgrade = (
  ctx: PopupContext,
  setHealth: (health: AccountHealth) => void,
  setAccount: (update: (a: AccountInfo | null) => AccountInfo | null) => void,
) =>
  void ctx.run(t('health_busy_upgrade'), async () => {
    const after = await send('upgradeUsageLevel', { environment: ctx.environment, timeZone: userTimeZone() });
    setHealth(after);
    if (after.level) setAccount((a) => a && { ...a, tier: after.level });
    return { kind: 'success', text: t('health_upgraded', tierLabel(after.level ?? 'advanced')) };
  });

/** The user has the private key: the worker may drop it. Then any other one still waiting. */
export const secretSaved = async (ctx: PopupContext, s: Shown) => {
  ctx.setShown(null);
  try {
    await send('confirmSecretSaved', { environment: s.environment, keyId: s.keyId });
  } catch (error) {
    ctx.setStatus({ kind: 'error', error: errorInfoOf(error) });
  }
  await ctx.reload();
  await ctx.showWaitingSecret(s.environment);
};
