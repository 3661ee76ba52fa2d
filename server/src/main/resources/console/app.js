// The console shell: sign-in, navigation (hash routes), language switch. Each page is a module under pages/.
import { t, lang, setLang } from './i18n.js';
import * as api from './api.js';
import { h, field, errorLine, showError, run } from './ui.js';
import overview from './pages/overview.js';
import domainList from './pages/domains.js';
import domainConfig from './pages/domain.js';
import urls from './pages/urls.js';
import streams from './pages/streams.js';
import transcode from './pages/transcode.js';
import snapshots from './pages/snapshots.js';

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const signOutButton = document.getElementById('signout');
const langSelect = document.getElementById('lang');
let session = null;
let leaving = null; // the current page's cleanup (stops a preview player)
let navigated = false; // set by hash changes: the first page load keeps the browser's own focus

const routes = [
  { path: 'overview', nav: 'nav.overview', page: overview },
  { path: 'domains', nav: 'nav.domains', page: domainList },
  { path: 'domains/', page: domainConfig, prefix: true, navAs: 'domains' },
  { path: 'urls', nav: 'nav.urls', page: urls },
  { path: 'streams', nav: 'nav.streams', page: streams },
  { path: 'transcode', nav: 'nav.transcode', page: transcode },
  { path: 'snapshots', nav: 'nav.snapshots', page: snapshots },
];

function currentRoute() {
  const hash = decodeURIComponent(location.hash.replace(/^#\/?/, ''));
  for (const r of routes) {
    if (r.prefix ? hash.startsWith(r.path) && hash.length > r.path.length : hash === r.path) {
      return { route: r, arg: r.prefix ? hash.slice(r.path.length) : null };
    }
  }
  return { route: routes[0], arg: null };
}

function renderChrome() {
  document.title = t('app.title');
  document.querySelector('.skip').textContent = t('app.skip');
  document.getElementById('lang-label').textContent = t('app.language');
  signOutButton.textContent = t('app.signOut');
  signOutButton.hidden = !session;
  nav.setAttribute('aria-label', t('app.navLabel'));
  nav.replaceChildren();
  if (!session) return;
  const { route } = currentRoute();
  for (const r of routes.filter(r => r.nav)) {
    const here = r === route || r.path === route.navAs;
    nav.append(h('a', { href: '#/' + r.path, 'aria-current': here ? 'page' : null }, t(r.nav)));
  }
}

async function render() {
  if (leaving) { leaving(); leaving = null; }
  renderChrome();
  if (!session) {
    main.replaceChildren(signInPage());
    main.querySelector('input')?.focus();
    return;
  }
  const { route, arg } = currentRoute();
  const container = h('div');
  main.replaceChildren(container);
  try {
    leaving = (await route.page(container, arg, { rerender: render })) || null;
    // after a navigation, keyboard and screen-reader users start at the new page's heading
    const heading = container.querySelector('h1');
    if (heading && navigated) {
      heading.tabIndex = -1;
      heading.focus();
    }
  } catch (e) {
    const line = errorLine();
    showError(line, e);
    container.append(line);
  }
}

function signInPage() {
  const id = field(t('signin.id'), h('input', { name: 'AccessKeyId', autocomplete: 'username', required: true }));
  const secret = field(t('signin.secret'), h('input', { name: 'AccessKeySecret', type: 'password', autocomplete: 'current-password', required: true }));
  const line = errorLine('signin-error');
  const submit = h('button', { type: 'submit', class: 'primary' }, t('signin.submit'));
  const form = h('form', { class: 'form', onsubmit: async ev => {
    ev.preventDefault();
    await run(submit, line, async () => {
      session = await api.signIn(id.control.value.trim(), secret.control.value);
      if (!location.hash || location.hash === '#/') location.hash = '#/overview';
      await render();
    });
  } }, ...id.row, ...secret.row, h('span'), h('div', {}, submit, line));
  return h('section', { class: 'signin' },
    h('h1', {}, t('signin.title')),
    h('p', { class: 'note' }, t('signin.where')),
    h('pre', { class: 'mono' }, t('signin.file')),
    form);
}

signOutButton.addEventListener('click', async () => {
  try { await api.signOut(); } catch (e) { /* the session is gone either way */ }
  session = null;
  await render();
});

langSelect.addEventListener('change', () => { setLang(langSelect.value); render(); });
window.addEventListener('hashchange', () => { navigated = true; render(); });
api.whenSignedOut(() => { if (session) { session = null; render(); } });

langSelect.value = lang();
try {
  session = await api.resume();
} catch (e) {
  session = null;
}
render();
