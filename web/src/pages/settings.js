// /ui/settings: the API key this browser sends, and where trace ids link to.
import {apiKey, setApiKey, api} from '../api.js';
import {h, commandBlock} from '../dom.js';

export const title = 'Settings';
const TRACE_TEMPLATE = 'srclink.traceUrlTemplate';

// The URL of a trace in the user's tracing tool, from the template set here
// ("https://jaeger.example.com/trace/{trace_id}"), or "".
export function traceLink(traceId) {
  let t = '';
  try {
    t = localStorage.getItem(TRACE_TEMPLATE) || '';
  } catch {
    t = '';
  }
  return t ? t.replaceAll('{trace_id}', encodeURIComponent(traceId)) : '';
}

export async function render(ctx) {
  ctx.root.replaceChildren(h('h1', {}, 'Settings'), keyForm(() => ctx.reload()), traceForm());
}

// The key form, also shown in place of a page the server refused (401/403).
export function keyForm(onSaved, message = '') {
  const input = h('input', {type: 'password', name: 'key', placeholder: 'sk_…', value: apiKey(), autocomplete: 'off',
                            'aria-label': 'API key'});
  const status = h('p', {class: 'sub'}, apiKey() ? 'A key is saved in this browser.' : 'No key is saved.');
  const form = h('form', {class: 'key-form'},
                 h('h2', {}, 'API key'),
                 message ? h('div', {class: 'problem'}, message) : null,
                 h('p', {}, 'This server asks for a key with the read scope. Create one on the server:'),
                 commandBlock('srclink keys create --data ./srclink-data --name ui --scope read'),
                 h('label', {}, 'Key ', input), h('button', {type: 'submit'}, 'Save'),
                 h('button', {type: 'button', onclick: () => { setApiKey(''); input.value = ''; onSaved(); }}, 'Forget'),
                 status,
                 h('p', {class: 'sub'}, 'The key stays in this browser (localStorage) and is sent only to this server.'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setApiKey(input.value.trim());
    try {
      await api('/api/v1/services');
      onSaved();
    } catch (err) {
      status.textContent = `The server refused it: ${err.message}`;
      status.className = 'problem';
    }
  });
  return form;
}

function traceForm() {
  const input = h('input', {type: 'url', name: 'trace', placeholder: 'https://jaeger.example.com/trace/{trace_id}',
                            value: localStorage.getItem(TRACE_TEMPLATE) || '', 'aria-label': 'Trace link template'});
  const saved = h('span', {class: 'sub'});
  const form = h('form', {class: 'key-form'}, h('h2', {}, 'Trace links'),
                 h('p', {}, 'Code origins show the latest trace id of each entry point. Give the URL of a trace in your ' +
                           'tracing tool, with {trace_id} where the id goes, and they become links.'),
                 h('label', {}, 'Template ', input), h('button', {type: 'submit'}, 'Save'), saved);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim()) localStorage.setItem(TRACE_TEMPLATE, input.value.trim());
    else localStorage.removeItem(TRACE_TEMPLATE);
    saved.textContent = ' Saved.';
  });
  return form;
}
