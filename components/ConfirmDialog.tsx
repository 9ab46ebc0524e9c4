import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from './i18n';

/**
 * A modal confirmation whose focus starts on Cancel, so Enter alone never confirms.
 * With `acknowledge`, the confirm button stays disabled until that box is ticked (a second confirmation).
 */
export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  acknowledge?: string;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [acknowledged, setAcknowledged] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      class="confirm"
      role="alertdialog"
      aria-labelledby="confirm-title"
      aria-describedby="confirm-body"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      <h2 id="confirm-title">{props.title}</h2>
      <div id="confirm-body">{props.children}</div>
      {props.acknowledge && (
        <label class="check">
          <input type="checkbox" checked={acknowledged} onChange={(e) => setAcknowledged(e.currentTarget.checked)} /> {props.acknowledge}
        </label>
      )}
      <div class="dialog-actions">
        <button type="button" onClick={props.onCancel} autofocus>
          {t('dialog_cancel')}
        </button>
        <button
          type="button"
          class={props.danger ? 'danger-solid' : 'primary'}
          disabled={props.acknowledge !== undefined && !acknowledged}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
