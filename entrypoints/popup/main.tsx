/**
 * The popup's entry: only what the first paint needs. It paints a copy of the last screen
 * (screen-copy.ts) at once, then loads the app, which takes the copy's place when it has rendered.
 */
import baseCss from '../../components/base.css?inline';
import popupCss from './popup.css?inline';
import { paint, readScreen } from './screen-copy';

// The styles travel inside this script: one file to load before the first paint, not three.
document.head.append(Object.assign(document.createElement('style'), { textContent: baseCss + popupCss }));
const root = document.getElementById('app')!;
// Inert, the copy is safe even in a frame (which the CSP forbids anyway): start() checks before the app runs.
const copy = readScreen(localStorage);
if (copy) {
  const painted = paint(copy, document);
  (painted as HTMLElement).inert = true; // a picture until the app is in: nothing to click or focus yet
  root.append(painted);
}
void import('./start').then((app) => app.start(root));
