import { t, tNodes } from '../../components/i18n';
import type { AccountInfo } from '../../lib/messages';
import { tierLabel } from '../../lib/messages';

/** Kalshi's name for the usage level as it sends it ("premier" shows as "Premier"); "Unknown" in the user's language. */
export function usageLevel(tier: string | null): string {
  return tier === null ? t('tier_unknown') : tierLabel(tier);
}

/** The key that signs for the account shown, and the account's usage level once Kalshi says it. */
export function SigningLine({ signingKey, account }: { signingKey: { name: string; keyId: string }; account: AccountInfo | null }) {
  return (
    <p class="hint signing-line">
      {tNodes(
        'popup_signing_line',
        <strong>{signingKey.name}</strong>,
        <code>{signingKey.keyId.slice(0, 8)}</code>,
        <strong>{account ? usageLevel(account.tier) : '…'}</strong>,
      )}
    </p>
  );
}
