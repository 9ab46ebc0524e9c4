import { useEffect, useRef, useState } from 'preact/hooks';
import { ENVIRONMENT_LABEL, type Environment } from '../../lib/environments';
import type { KeyListItem } from '../../lib/protocol';

/** A modal confirmation; deleting the only key the extension signs with needs an explicit second "I understand". */
export function DeleteKeyDialog(props: {
  keyItem: KeyListItem;
  environment: Environment;
  locksOut: boolean;
  onCancel: () => void;
  onConfirm: (confirmLockout: boolean) => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [understood, setUnderstood] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  const { keyItem, locksOut } = props;
  return (
    <dialog
      ref={dialog}
      class="confirm"
      role="alertdialog"
      aria-labelledby="delete-title"
      aria-describedby="delete-body"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="delete-title">Delete “{keyItem.name}”?</h2>
      <div id="delete-body">
        <p>
          Kalshi {ENVIRONMENT_LABEL[props.environment]} will stop accepting key <code>{keyItem.keyId.slice(0, 8)}</code> at once. This
          cannot be undone.
        </p>
        {keyItem.signing && !locksOut && <p>This extension will switch to another key held in this browser.</p>}
        {locksOut && (
          <p class="warning">
            This is the only key this extension signs with for {ENVIRONMENT_LABEL[props.environment]}. After deleting it the extension
            cannot reach your account until you import another key.
          </p>
        )}
      </div>
      {locksOut && (
        <label class="check">
          <input type="checkbox" checked={understood} onChange={(e) => setUnderstood(e.currentTarget.checked)} /> I understand this locks the
          extension out
        </label>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={props.onCancel} autofocus>
          Cancel
        </button>
        <button type="button" class="danger-solid" disabled={locksOut && !understood} onClick={() => props.onConfirm(locksOut)}>
          Delete
        </button>
      </div>
    </dialog>
  );
}
