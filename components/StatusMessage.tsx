import { t, type ShownError } from './i18n';

export type Status =
  | { kind: 'idle' }
  | { kind: 'busy'; text: string }
  | { kind: 'success'; text: string; lines?: string[] }
  | { kind: 'error'; error: ShownError; lines?: string[] };

/** The one live region of a page: screen readers hear every result. */
export function StatusMessage({ status }: { status: Status }) {
  return (
    <div role="status" class={`status status-${status.kind}`} aria-live="polite">
      {status.kind === 'busy' && (
        <p>
          <span class="spinner" aria-hidden="true" /> {status.text}
        </p>
      )}
      {status.kind === 'success' && <p>{status.text}</p>}
      {status.kind === 'error' && (
        <>
          <p class="status-title">{status.error.message}</p>
          {status.error.detail && <p class="status-detail">{status.error.detail}</p>}
          {status.error.said && <p class="status-detail status-said">{t('status_kalshi_said', status.error.said)}</p>}
          <p>{status.error.hint}</p>
        </>
      )}
      {(status.kind === 'success' || status.kind === 'error') && status.lines?.map((line) => <p key={line}>{line}</p>)}
    </div>
  );
}
