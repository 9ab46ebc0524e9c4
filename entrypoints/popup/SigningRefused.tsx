import { t } from '../../components/i18n';
import type { KeyListItem } from '../../lib/messages';
import type { SigningTrouble } from './use-popup-data';

/** Kalshi refused the signing key (`signingName`): why, and which held key read the list instead. */
export function SigningRefused({
  trouble,
  signingName,
  keys,
}: {
  trouble: SigningTrouble;
  signingName: string;
  keys: KeyListItem[] | null;
}) {
  const listedWith = keys?.find((k) => k.keyId === trouble.listedWith)?.name ?? trouble.listedWith.slice(0, 8);
  return (
    <section class="signing-trouble" aria-labelledby="signing-trouble-title">
      <p id="signing-trouble-title" class="status-title">
        {t('popup_signing_refused', signingName)}
      </p>
      <p>{trouble.problem.message}</p>
      <p>{t('popup_signing_refused_listed_with', listedWith)}</p>
    </section>
  );
}
