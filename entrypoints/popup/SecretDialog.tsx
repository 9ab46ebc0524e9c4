import { useEffect, useRef, useState } from 'preact/hooks';
import type { OneTimeSecret } from '../../lib/minting';

/**
 * A private key for a bot, shown once. It is not rendered unless the user asks;
 * closing the dialog drops it from the page and from memory (the parent clears its state).
 */
export function SecretDialog(props: { keyName: string; keyId: string; secret: OneTimeSecret; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [shown, setShown] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(props.secret.pem);
      setSaved('Copied. Paste it where your bot reads its key, then clear your clipboard.');
    } catch {
      setSaved('The browser refused to copy. Use Download instead.');
    }
  }

  function download() {
    const url = URL.createObjectURL(new Blob([props.secret.pem], { type: 'application/x-pem-file' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = props.secret.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 1_000);
    setSaved(`Saved as ${props.secret.fileName} in your downloads.`);
  }

  return (
    <dialog
      ref={dialog}
      class="confirm secret"
      role="alertdialog"
      aria-labelledby="secret-title"
      aria-describedby="secret-body"
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <h2 id="secret-title">Save the private key for “{props.keyName}” now</h2>
      <div id="secret-body">
        <p>
          Key ID <code>{props.keyId}</code>
        </p>
        <p class="warning">This is the only time it can be shown. Kalshi cannot show it again and this extension keeps no copy.</p>
      </div>
      <div class="dialog-actions secret-actions">
        <button type="button" class="primary" onClick={download} autofocus>
          Download
        </button>
        <button type="button" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" aria-expanded={shown} onClick={() => setShown(!shown)}>
          {shown ? 'Hide key' : 'Show key'}
        </button>
      </div>
      {shown && (
        <pre class="secret-text" aria-label="Private key">
          {props.secret.pem}
        </pre>
      )}
      <p role="status" class="hint">
        {saved}
      </p>
      <div class="dialog-actions">
        <button type="button" onClick={props.onClose}>
          Done — forget it
        </button>
      </div>
    </dialog>
  );
}
