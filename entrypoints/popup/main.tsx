import { render } from 'preact';
import '../../components/base.css';
import './popup.css';
import { FRAMED_MESSAGE, isFramed } from '../../lib/frame-guard';
import { App } from './App';

const root = document.getElementById('app')!;
// Framed by another page: act on nothing, say why.
if (isFramed(window)) root.textContent = FRAMED_MESSAGE;
else render(<App />, root);
