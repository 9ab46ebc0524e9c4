import { useState } from 'preact/hooks';
import { t, tNodes } from '../../components/i18n';
import { Modal } from '../../components/Modal';
import type { OneTimeSecret } from '../../lib/messages';

/**
 * A private key for a bot, shown once. It is not rendered unless the user asks;
 * closing the dialog drops it from the page and from memory (the parent clears its state).
 */
export function SecretDialog(props: { keyName: string; keyId: string; secret: OneTimeSecret; onClose: () => void }) {
  const [shown, setShown] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(props.secret.pem);
      setSaved(t('secret_copied'));
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
  }

  return (
    <Modal
      id="secret"
      class="secret"
      title={t('secret_title', props.keyName)}
      body={
        <>
          <p>{tNodes('secret_key_id', <code>{props.keyId}</code>)}</p>
          <p class="warning">{t('secret_warning')}</p>
        </>
      }
      onClose={props.onClose}
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
      <div class="dialog-actions">
        <button type="button" onClick={props.onClose}>
          {t('secret_done')}
        </button>
      </div>
    </Modal>
  );
}
