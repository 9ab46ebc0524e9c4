import { render } from 'preact';
import '../../components/base.css';
import './options.css';
import { t } from '../../components/i18n';
import { isFramed } from '../../components/frame-guard';
import { App } from './App';

const root = document.getElementById('app')!;
// Framed by another page: act on nothing, say why.
if (isFramed(window)) root.textContent = t('framed_message');
else render(<App />, root);
