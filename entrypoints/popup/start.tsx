import { render } from 'preact';
import { isFramed } from '../../components/frame-guard';
import { t } from '../../components/i18n';
import { App } from './App';
import { readSnapshot } from './snapshot';

/** Renders the app beside the page, then puts it in the place of the screen copy in one step: no frame shows both, or neither. */
export function start(root: HTMLElement): void {
  document.title = t('extName');
  // Framed by another page: act on nothing, say why.
  if (isFramed(window)) {
    root.textContent = t('framed_message');
    return;
  }
  const app = document.createElement('div');
  app.id = root.id;
  render(<App snapshot={readSnapshot()} />, app);
  root.replaceWith(app);
}
