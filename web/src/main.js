// srclink's web UI: a router over the pages, each a URL that can be shared
// (/ui/errors/7, /ui/profiles?service=shop&fn=main.burn, …). Every page reads
// its state from the URL and the JSON API; nothing else is kept.
import './style.css';
import 'highlight.js/styles/github.css';
import {h} from './dom.js';
import {keyForm} from './pages/settings.js';
import * as errors from './pages/errors.js';
import * as errorDetail from './pages/error_detail.js';
import * as codeOrigins from './pages/code_origins.js';
import * as profiles from './pages/profiles.js';
import * as repositories from './pages/repositories.js';
import * as settings from './pages/settings.js';

const routes = [
  [/^\/ui\/errors\/?$/, errors, 'errors'],
  [/^\/ui\/errors\/(?<id>[^/]+)$/, errorDetail, 'errors'],
  [/^\/ui\/code-origins\/?$/, codeOrigins, 'code-origins'],
  [/^\/ui\/profiles\/?$/, profiles, 'profiles'],
  [/^\/ui\/repositories\/?$/, repositories, 'repositories'],
  [/^\/ui\/repositories\/(?<id>.+)$/, repositories, 'repositories'],
  [/^\/ui\/settings\/?$/, settings, 'settings'],
];

const root = document.getElementById('app');
let leaveHooks = [];
let generation = 0;

function match(pathname) {
  if (pathname === '/' || pathname === '/ui' || pathname === '/ui/') return {redirect: '/ui/errors'};
  for (const [re, page, nav] of routes) {
    const m = re.exec(pathname);
    if (m) {
      const params = {};
      for (const [k, v] of Object.entries(m.groups || {})) params[k] = decodeURIComponent(v);
      return {page, nav, params};
    }
  }
  return null;
}

// The box a page shows when the API answered an error: never swallowed.
function errorBox(err) {
  return h('div', {class: 'problem', role: 'alert'},
           h('strong', {}, err.status ? `The server answered ${err.status} (${err.code}): ` : 'Error: '), err.message,
           err.field ? h('div', {class: 'sub'}, `field: ${err.field}`) : null,
           err.url ? h('div', {class: 'sub'}, h('code', {}, err.url)) : null);
}

async function show() {
  const gen = ++generation;
  for (const f of leaveHooks) f();
  leaveHooks = [];
  const url = new URL(location.href);
  const m = match(url.pathname);
  if (m && m.redirect) {
    history.replaceState(null, '', m.redirect + url.search);
    return show();
  }
  document.body.dataset.state = 'loading';
  for (const a of document.querySelectorAll('nav a[data-section]')) {
    a.classList.toggle('active', !!m && a.dataset.section === m.nav);
  }
  if (!m) {
    root.replaceChildren(h('h1', {}, 'Not found'), h('p', {}, `There is no page at ${url.pathname}. `,
                         h('a', {href: '/ui/errors', 'data-nav': ''}, 'Go to errors'), '.'));
    document.body.dataset.state = 'ready';
    return;
  }
  document.title = `${m.page.title} · srclink`;
  root.replaceChildren(h('p', {class: 'sub loading'}, 'Loading…'));
  const ctx = {
    root,
    params: m.params,
    query: url.searchParams,
    setTitle: (t) => (document.title = `${t} · srclink`),
    // Changes the URL's query; re-renders the page unless {render: false}.
    setQuery(changes, {render = true} = {}) {
      const next = new URL(location.href);
      for (const [k, v] of Object.entries(changes)) {
        if (v === '' || v === null || v === undefined) next.searchParams.delete(k);
        else next.searchParams.set(k, v);
      }
      if (render) navigate(next.pathname + next.search);
      else history.replaceState(null, '', next.pathname + next.search);
    },
    onLeave: (f) => leaveHooks.push(f),
    reload: () => show(),
    errorBox,
  };
  try {
    await m.page.render(ctx);
  } catch (err) {
    if (gen !== generation) return;
    if (err.needsKey) root.replaceChildren(keyForm(() => show(), err.message));
    else root.replaceChildren(h('h1', {}, m.page.title), errorBox(err));
  }
  if (gen !== generation) return;
  document.body.dataset.state = 'ready';
  performance.mark('srclink:ready');
}

export function navigate(href) {
  history.pushState(null, '', href);
  show();
}

document.addEventListener('click', (e) => {
  const a = e.target.closest('a[data-nav]');
  if (!a || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute('href'));
});
window.addEventListener('popstate', show);
show();
