import { useEffect, useRef, useState } from 'preact/hooks';
import { t, tNodes } from '../../components/i18n';
import { Modal } from '../../components/Modal';
import type { OneTimeSecret } from '../../lib/messages';

/** "14:32" in the user's way of writing times. */
const clock = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

/**
 * A private key for a bot, shown once. It is not rendered unless the user asks. The worker keeps it
 * in memory until the user has it: Download or Copy marks it saved, and only then does Done tell the
 * worker (onSaved); closing before that asks first (onClose leaves it with the worker, until `expiresAt`).
 */
export function SecretDialog(props: {
  keyName: string;
  keyId: string;
  secret: OneTimeSecret;
  /** ms since the epoch; null when not known. */
  expiresAt: number | null;
  onSaved: () => void;
  onClose: () => void;
}) {
  const [shown, setShown] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [asking, setAsking] = useState(false);
  const goBack = useRef<HTMLButtonElement>(null);
  const doneButton = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  // Focus follows the question: to Go back when asked, back to Done after.
  useEffect(() => {
    if (asking) goBack.current?.focus();
    else if (asked.current) doneButton.current?.focus();
    asked.current ||= asking;
  }, [asking]);

  async function copy() {
    try {
      await navigator.clipboard.writeText(props.secret.pem);
      setSaved(t('secret_copied'));
      setDone(true);
      setAsking(false);
    } catch {
      setSaved(t('secret_copy_refused'));
    }
  }

  function download() {
    const url = URL.createObjectURL(new Blob([props.secret.pem], { type: 'application/x-pem-file' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = props.secret.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
    setSaved(t('secret_saved_as', props.secret.fileName));
    setDone(true);
    setAsking(false);
  }

  /** Done, Escape: closes once the key is saved; before that, asks (Escape again goes back). */
  const close = () => {
    if (done) props.onSaved();
    else setAsking(!asking);
  };

  return (
    <Modal
      id="secret"
      class="secret"
      title={t('secret_title', props.keyName)}
      body={
        <>
          <p>{tNodes('secret_key_id', <code>{props.keyId}</code>)}</p>
          <p class="warning">{t('secret_warning')}</p>
          {props.expiresAt !== null && <p class="hint">{t('secret_kept_until', clock(props.expiresAt))}</p>}
        </>
      }
      onClose={close}
    >
      <div class="dialog-actions secret-actions">
        <button type="button" class="primary" onClick={download} autofocus>
          {t('secret_download')}
        </button>
        <button type="button" onClick={() => void copy()}>
          {t('secret_copy')}
        </button>
        <button type="button" aria-expanded={shown} onClick={() => setShown(!shown)}>
          {shown ? t('secret_hide') : t('secret_show')}
        </button>
      </div>
      {shown && (
        <pre class="secret-text" aria-label={t('secret_text_label')}>
          {props.secret.pem}
        </pre>
      )}
      <p role="status" class="hint">
        {saved}
      </p>
      {asking ? (
        <div class="secret-unsaved" role="group" aria-labelledby="secret-unsaved-text">
          <p id="secret-unsaved-text" class="warning">
            {t('secret_unsaved_warning')}
          </p>
          <div class="dialog-actions">
            <button type="button" class="danger" onClick={props.onClose}>
              {t('secret_close_anyway')}
            </button>
            <button type="button" class="primary" ref={goBack} onClick={() => setAsking(false)}>
              {t('secret_go_back')}
            </button>
          </div>
        </div>
      ) : (
        <div class="dialog-actions">
          <button type="button" ref={doneButton} onClick={close}>
            {t('secret_done')}
          </button>
        </div>
      )}
    </Modal>
  );
}
