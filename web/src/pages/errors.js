// /ui/errors?service=&environment=&q=: the issues list.
import {api} from '../api.js';
import {h, navLink, timeAgo, formatCount, sparkline, emptyState, commandBlock} from '../dom.js';

export const title = 'Errors';

// Typing in the search re-renders the page with ?q=; the new box keeps the focus.
let searchHadFocus = false;

export async function render(ctx) {
  const service = ctx.query.get('service') || '';
  const environment = ctx.query.get('environment') || '';
  const q = ctx.query.get('q') || '';
  const [services, list] = await Promise.all([
    api('/api/v1/services'),
    api('/api/v1/errors', {service, environment, q, limit: 500}),
  ]);
  const errors = list.errors || [];
  const environments = [...new Set(errors.map((e) => e.environment).filter(Boolean))].sort();

  const search = h('input', {type: 'search', name: 'q', value: q, placeholder: 'Search type or message…',
                             'aria-label': 'Search errors'});
  let timer = null;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      searchHadFocus = true;
      ctx.setQuery({q: search.value});
    }, 250);
  });
  const filters = h('div', {class: 'filters'},
                    serviceSelect(services.services || [], service, (v) => ctx.setQuery({service: v})),
                    select('environment', 'All environments', environments, environment,
                           (v) => ctx.setQuery({environment: v})),
                    search);

  const content = [];
  if (errors.length === 0) {
    content.push(service || environment || q
        ? emptyState('No errors match', h('p', {}, 'Nothing matches these filters. ',
                                          navLink('/ui/errors', 'Show all errors'), '.'))
        : noErrorsYet());
  } else {
    const rows = errors.map((e) => {
      const latest = (e.versions || [])[0];
      const hourly = e.hourly || [];
      return h('tr', {'data-error-id': e.id},
               h('td', {class: 'issue'},
                 navLink(`/ui/errors/${e.id}`, h('span', {class: 'etype'}, e.type || '(no type)')),
                 h('div', {class: 'emsg', title: e.message}, e.message || '')),
               h('td', {}, e.service, e.environment ? h('div', {class: 'sub'}, e.environment) : null),
               h('td', {}, latest ? latest.version || '—' : '—',
                 (e.versions || []).length > 1 ? h('div', {class: 'sub'}, `${e.versions.length} versions`) : null),
               h('td', {class: 'num'}, formatCount(e.count)),
               h('td', {}, hourly.length ? sparkline(hourly, {title: `last 24 h: ${hourly.reduce((a, b) => a + b, 0)} events`}) : '—'),
               h('td', {}, timeAgo(e.first_seen)),
               h('td', {}, timeAgo(e.last_seen)));
    });
    content.push(h('table', {class: 'list errors'},
                   h('thead', {}, h('tr', {}, ['Error', 'Service', 'Version', 'Events', 'Last 24 h',
                                               'First seen', 'Last seen'].map((t) => h('th', {}, t)))),
                   h('tbody', {}, rows)));
    if (errors.length === 500) content.push(h('p', {class: 'note'}, 'Showing the 500 most recent; refine the filters.'));
  }
  ctx.root.replaceChildren(h('h1', {}, 'Errors'), filters, ...content);
  if (searchHadFocus) {
    searchHadFocus = false;
    search.focus();
    search.setSelectionRange(search.value.length, search.value.length);
  }
}

function noErrorsYet() {
  const origin = location.origin;
  return emptyState('No errors yet',
    h('p', {}, 'srclink groups the errors your services report into issues. Send it telemetry:'),
    h('p', {}, 'A service instrumented with a Datadog tracer (start srclink serve with --accept-agent-traffic):'),
    commandBlock(`DD_TRACE_AGENT_URL=${origin} DD_SERVICE=shop DD_GIT_REPOSITORY_URL=https://github.com/acme/shop \\\n  DD_GIT_COMMIT_SHA=$(git rev-parse HEAD) node app.js`),
    h('p', {}, 'An OpenTelemetry SDK (OTLP/HTTP):'),
    commandBlock(`OTEL_EXPORTER_OTLP_ENDPOINT=${origin} OTEL_EXPORTER_OTLP_HEADERS='Authorization=Bearer%20sk_…' \\\n  OTEL_RESOURCE_ATTRIBUTES=vcs.repository.url.full=https://github.com/acme/shop,vcs.ref.head.revision=$(git rev-parse HEAD) node app.js`),
    h('p', {}, 'Then upload the commit so frames link to code: see ', navLink('/ui/repositories', 'Repositories'),
      '. Or try everything at once with ', h('code', {}, 'scripts/demo'), '.'));
}

export function serviceSelect(services, current, onChange, {all = 'All services', names = null} = {}) {
  const list = names || services.map((s) => s.service);
  return select('service', all, list, current, onChange);
}

export function select(name, allLabel, values, current, onChange) {
  const options = [];
  if (allLabel !== null) options.push(h('option', {value: ''}, allLabel));
  const seen = new Set(values);
  for (const v of values) options.push(h('option', {value: v, selected: v === current}, v));
  if (current && !seen.has(current)) options.push(h('option', {value: current, selected: true}, current));
  const s = h('select', {name, 'aria-label': name}, options);
  s.addEventListener('change', () => onChange(s.value));
  return s;
}
