/**
 * The popup's entry: only what the first paint needs (the styles are in popup.html). A running
 * worker serves popup.html with the last screen already in it (lib/popup-shell/shell.ts); otherwise
 * this paints the copy kept in localStorage. Then it loads the app, which takes the copy's place
 * when it has rendered.
 */
import { paint, readScreen } from '../../lib/popup-shell';

const root = document.getElementById('app')!;
// Inert, the copy is safe even in a frame (which the CSP forbids anyway): start() checks before the app runs.
const copy = root.firstChild ? null : readScreen(localStorage);
if (copy) {
  const painted = paint(copy, document);
  (painted as HTMLElement).inert = true; // a picture until the app is in: nothing to click or focus yet
  root.append(painted);
}
void import('./start').then((app) => app.start(root));
