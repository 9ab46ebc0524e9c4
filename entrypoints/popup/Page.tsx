import type { ComponentChildren, Ref } from 'preact';
import { t } from '../../components/i18n';

/** The popup's page: its heading, `header` beside it (the selects), then the content. `main`: the page's element, copied for the next open. */
export function Page({ children, header, main }: { children?: ComponentChildren; header?: ComponentChildren; main?: Ref<HTMLElement> }) {
  return (
    <main class="popup" ref={main}>
      <header class="popup-header">
        <h1>{t('popup_heading')}</h1>
        {header}
      </header>
      {children}
    </main>
  );
}
