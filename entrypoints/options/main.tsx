import { render } from 'preact';
import '../../components/base.css';
import './options.css';
import { App } from './App';

render(<App />, document.getElementById('app')!);
