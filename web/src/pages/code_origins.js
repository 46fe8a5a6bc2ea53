// /ui/code-origins?service=: each entry point of a service and the handler
// that serves it, with its code.
import {api} from '../api.js';
import {h, timeAgo, formatCount, copyButton, emptyState, commandBlock, extLink} from '../dom.js';
import {frameCard} from '../frames.js';
import {traceLink} from './settings.js';
import {serviceSelect} from './errors.js';

export const title = 'Code origins';

export async function render(ctx) {
  const services = (await api('/api/v1/services')).services || [];
  const withOrigins = services.filter((s) => s.code_origins > 0).map((s) => s.service);
  let service = ctx.query.get('service') || '';
  if (!service && withOrigins.length) service = withOrigins[0];
  const picker = h('div', {class: 'filters'},
                   serviceSelect(services, service, (v) => ctx.setQuery({service: v}),
                                 {all: null, names: withOrigins.length ? withOrigins : services.map((s) => s.service)}));
  if (!service) {
    ctx.root.replaceChildren(h('h1', {}, 'Code origins'), noOrigins());
    return;
  }
  const list = (await api('/api/v1/code-origins', {service, snippets: 'true', context: 5, limit: 200})).code_origins || [];
  const cards = list.map((o) => originCard(o));
  ctx.root.replaceChildren(h('h1', {}, 'Code origins'), picker,
                           h('p', {class: 'sub'}, `Entry points of ${service}, most requests first.`),
                           cards.length ? h('div', {class: 'origins'}, cards) : noOrigins(service));
}

function originCard(o) {
  const trace = o.latest_trace_id;
  const link = trace ? traceLink(trace) : '';
  const frame = o.frame ? frameCard({...o.frame, in_app: true}) : null;
  return h('section', {class: 'origin', 'data-resource': o.resource},
           h('div', {class: 'origin-head'},
             h('h3', {}, o.resource),
             h('span', {class: 'spacer'}),
             h('span', {class: 'stat'}, h('strong', {}, formatCount(o.requests)), ' requests'),
             h('span', {class: `stat ${o.errors ? 'bad' : ''}`}, h('strong', {}, formatCount(o.errors)), ' errors'),
             h('span', {class: 'stat'}, 'last ', timeAgo(o.last_seen))),
           h('p', {class: 'sub'},
             o.environment ? `${o.environment} · ` : '', o.version ? `version ${o.version} · ` : '',
             trace ? ['latest trace ', link ? extLink(link, h('code', {}, trace)) : h('code', {}, trace), copyButton(trace)] : 'no trace id'),
           frame || h('div', {class: 'unlinked'}, h('p', {}, h('strong', {}, 'No code origin: '),
                                                    o.origin_error || 'the spans of this entry point carry no code location.')));
}

function noOrigins(service) {
  return emptyState(service ? `No entry points of ${service} yet` : 'No entry points yet',
    h('p', {}, 'srclink shows, for each route of a service, the handler that serves it. Turn on code origins:'),
    commandBlock('DD_CODE_ORIGIN_FOR_SPANS_ENABLED=true DD_TRACE_AGENT_URL=' + location.origin + ' node app.js'),
    h('p', {}, 'With OpenTelemetry, server spans need the code.file.path, code.line.number and code.function.name attributes.'));
}
