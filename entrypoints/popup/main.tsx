/**
 * The popup's entry. A running worker serves popup.html with the last screen already in it, an
 * inert picture (lib/popup-shell/shell.ts), painted before any script runs; the app renders beside
 * the page from the data snapshot and takes the picture's place in one step: no frame shows both,
 * or neither.
 */
import { render } from 'preact';
import { isFramed } from '../../components/frame-guard';
import { t } from '../../components/i18n';
import { App } from './App';
import { readSnapshot } from './snapshot';

const root = document.getElementById('app')!;
document.title = t('extName');
// Framed by another page: act on nothing, say why.
if (isFramed(window)) {
  root.textContent = t('framed_message');
} else {
  const app = document.createElement('div');
  app.id = root.id;
  render(<App snapshot={readSnapshot()} />, app);
  root.replaceWith(app);
}
