import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { t } from './i18n';
import { Modal } from './Modal';

/**
 * A modal confirmation whose focus starts on Cancel, so Enter alone never confirms.
 * With `acknowledge`, the confirm button stays disabled until that box is ticked (a second confirmation);
 * with `disabled`, until the caller's controls hold a choice.
 * `controls` (labelled form fields) come after the body, outside the dialog's description.
 */
export function ConfirmDialog(props: {
  title: string;
  children: ComponentChildren;
  controls?: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  acknowledge?: string;
  disabled?: boolean;
  onCancel: () => void;
  onConfirm: () => void;
}) {
  const [acknowledged, setAcknowledged] = useState(false);
  return (
    <Modal id="confirm" title={props.title} body={props.children} onClose={props.onCancel}>
      {props.controls}
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
          disabled={props.disabled || (props.acknowledge !== undefined && !acknowledged)}
          onClick={props.onConfirm}
        >
          {props.confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
