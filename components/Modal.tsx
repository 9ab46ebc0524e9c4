import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/**
 * A native modal dialog (focus trapped, Escape closes) announced as an alertdialog with a
 * title and a body; Escape calls onClose instead of closing behind the parent's back (the parent
 * unmounts it to close it).
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
  const leaving = useRef(false);
  useEffect(() => {
    const d = dialog.current;
    d?.showModal();
    // Closed on the way out, so the browser gives focus back to where it was before (the button that opened it).
    return () => {
      leaving.current = true;
      if (d?.open) d.close();
    };
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
        // One that cannot be stopped is followed by a close event, handled below.
        if (e.cancelable) props.onClose();
      }}
      onClose={() => {
        // A second Escape with no click between may close a modal whatever onCancel did (Chromium's
        // close watchers): while still shown here, it stays open, and its owner decides as for Escape.
        const d = dialog.current;
        if (!leaving.current && d?.isConnected && !d.open) {
          d.showModal();
          props.onClose();
        }
      }}
    >
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      <div id={`${props.id}-body`}>{props.body}</div>
      {props.children}
    </dialog>
  );
}
