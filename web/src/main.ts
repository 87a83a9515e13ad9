import { createApp } from 'vue';
import App from './App.vue';
import { loadConfig } from './lib/config.js';
import { init } from './lib/session.js';
import './styles.css';

const root = document.getElementById('app')!;
try {
  init(await loadConfig());
  createApp(App).mount(root);
} catch (e) {
  root.innerHTML = '';
  const p = document.createElement('p');
  p.className = 'fatal';
  p.setAttribute('role', 'alert');
  p.textContent = `The console could not start: ${e instanceof Error ? e.message : String(e)}. Check config.json next to index.html.`;
  root.append(p);
}
