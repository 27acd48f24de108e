import { render } from 'preact';
import { App } from './app';
import { takeTokenFromFragment } from './session';
import './styles.css';

takeTokenFromFragment();
render(<App />, document.getElementById('app') as HTMLElement);
