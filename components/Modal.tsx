import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A native modal dialog (focus trapped, Escape closes) announced as an alertdialog with a
 * title and a body; Escape calls onClose instead of closing behind the parent's back.
 */
export function Modal(props: {
  id: string;
  title: string;
  body: ComponentChildren;
  class?: string;
  onClose: () => void;
  children: ComponentChildren;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      class={`confirm ${props.class ?? ''}`}
      role="alertdialog"
      aria-labelledby={`${props.id}-title`}
      aria-describedby={`${props.id}-body`}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <div id={`${props.id}-body`}>{props.body}</div>
      {props.children}
    </dialog>
  );
}
