// /ui/errors/{id}: one issue, its newest event's stack traces (chained causes
// too) with each in-app frame's code inline.
import {api} from '../api.js';
import {h, navLink, timeAgo, formatCount, sparkline, copyButton, shortSha} from '../dom.js';
import {frameCard} from '../frames.js';

export const title = 'Error';

export async function render(ctx) {
  const id = ctx.params.id;
  const e = await api(`/api/v1/errors/${encodeURIComponent(id)}`, {events: 1, snippets: 'true', context: 5});
  const event = (e.events || [])[0];
  ctx.setTitle(`${e.type}: ${e.message}`);

  const facts = h('dl', {class: 'facts'},
                  fact('Service', e.service), fact('Environment', e.environment || '—'),
                  fact('Language', e.language || '—'), fact('Events', formatCount(e.count)),
                  fact('First seen', timeAgo(e.first_seen)), fact('Last seen', timeAgo(e.last_seen)),
                  e.hourly ? fact('Last 24 h', sparkline(e.hourly, {width: 144, height: 24})) : null);
  const versions = (e.versions || []).length
      ? h('details', {class: 'versions'}, h('summary', {}, `${e.versions.length} version${e.versions.length > 1 ? 's' : ''}`),
          h('table', {class: 'list'}, h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'Events'),
                                                      h('th', {}, 'First seen'), h('th', {}, 'Last seen'))),
            h('tbody', {}, e.versions.map((v) => h('tr', {}, h('td', {}, v.version || '(none)'),
                                                    h('td', {class: 'num'}, formatCount(v.count)),
                                                    h('td', {}, timeAgo(v.first_seen)), h('td', {}, timeAgo(v.last_seen)))))))
      : null;

  const parts = [
    h('p', {class: 'crumbs'}, navLink(`/ui/errors?service=${encodeURIComponent(e.service)}`, `← Errors of ${e.service}`)),
    h('h1', {class: 'error-title'}, h('span', {class: 'etype'}, e.type || '(no type)'), ' ',
      h('span', {class: 'emsg'}, e.message || '')),
    facts, versions,
  ];
  if (!event) {
    parts.push(h('p', {class: 'note'}, 'No event of this error is kept any more (the newest 20 are kept).'));
  } else {
    parts.push(eventSection(event));
  }
  ctx.root.replaceChildren(...parts);
}

function fact(name, value) {
  return [h('dt', {}, name), h('dd', {}, value)];
}

function eventSection(ev) {
  const at = ev.resolved_at;
  const where = at
      ? h('p', {class: 'resolved-at'}, 'Code at ', h('strong', {}, at.repository_url || ''), ' @ ',
          h('code', {title: at.commit}, shortSha(at.commit)), copyButton(at.commit, 'Copy SHA'),
          at.source ? h('span', {class: 'sub'}, ` (from ${at.source})`) : null)
      : null;
  const problem = ev.problem ? h('div', {class: 'problem'}, h('strong', {}, 'Frames are not linked: '), ev.problem) : null;
  const exceptions = (ev.exceptions || []).map((x, i) => exceptionBlock(x, i, ev.problem));
  return h('section', {class: 'event'},
           h('h2', {}, 'Latest event'),
           h('dl', {class: 'facts'},
             fact('Time', timeAgo(ev.time)), fact('Version', ev.version || '—'),
             ev.trace_id ? fact('Trace', [h('code', {}, ev.trace_id), copyButton(ev.trace_id)]) : null),
           where, problem,
           exceptions.length ? exceptions : h('p', {class: 'note'}, 'This event carries no stack trace.'));
}

// Frames in the order the runtime printed them; each run of third-party
// frames is folded into one collapsed group.
function exceptionBlock(x, index, problem) {
  const frames = x.frames || [];
  const inApp = frames.filter((f) => f.in_app).length;
  const items = [];
  let run = [];
  const flush = () => {
    if (run.length === 0) return;
    const group = run;
    run = [];
    const d = h('details', {class: 'third-party-group'},
                h('summary', {}, `${group.length} third-party frame${group.length > 1 ? 's' : ''}`));
    // Rendered on first open: keeps big traces fast.
    d.addEventListener('toggle', () => {
      if (d.open && d.children.length === 1) d.append(...group.map((f) => frameCard(f, {problem})));
    });
    items.push(d);
  };
  for (const f of frames) {
    if (f.in_app) {
      flush();
      items.push(frameCard(f, {problem}));
    } else {
      run.push(f);
    }
  }
  flush();
  const relation = index > 0 ? (x.relation === 'cause' || !x.relation ? 'Caused by' : x.relation) : null;
  return h('div', {class: 'exception'},
           h('h3', {}, relation ? h('span', {class: 'relation'}, `${relation}: `) : null,
             h('span', {class: 'etype'}, x.type || '(no type)'), ' ', h('span', {class: 'emsg'}, x.message || '')),
           h('p', {class: 'sub'}, `${frames.length} frames, ${inApp} in your code`),
           h('div', {class: 'frames'}, items));
}

