// /ui/profiles?service=&type=&range=&commit=&q=&fn=&fn_commit=: a flame graph
// of a service's profiles, and Function Details of the function clicked.
import flamegraph, {tooltip as flameTooltip} from 'd3-flame-graph';
import {select as d3select} from 'd3-selection';
import {api} from '../api.js';
import {h, formatValue, percent, shortSha, copyButton, emptyState, commandBlock, navLink} from '../dom.js';
import {codeBlock} from '../code.js';
import {viewMenu} from '../view_menu.js';
import {select, serviceSelect} from './errors.js';

export const title = 'Profiles';

const RANGES = [['15m', 15 * 60e3, 'Last 15 minutes'], ['1h', 3600e3, 'Last hour'], ['6h', 6 * 3600e3, 'Last 6 hours'],
                ['24h', 86400e3, 'Last 24 hours'], ['7d', 7 * 86400e3, 'Last 7 days'], ['30d', 30 * 86400e3, 'Last 30 days'],
                ['all', 0, 'Everything kept']];

// [from, until] in unix ms for a range key; "all" spans the series.
function rangeBounds(key, series, now = Date.now()) {
  const r = RANGES.find(([k]) => k === key);
  if (!r || r[1] === 0) return [series ? series.first : 0, (series ? series.last : now) + 1];
  return [now - r[1], now + 1];
}

// The smallest range that holds the series' newest data.
function defaultRange(series, now = Date.now()) {
  if (!series) return '1h';
  for (const [k, span] of RANGES) if (span && series.last >= now - span && span >= 3600e3) return k;
  return 'all';
}

export async function render(ctx) {
  const services = (await api('/api/v1/profiles/services')).services || [];
  if (services.length === 0) {
    ctx.root.replaceChildren(h('h1', {}, 'Profiles'), noProfiles());
    return;
  }
  const service = ctx.query.get('service') || services[0].service;
  const svc = services.find((s) => s.service === service);
  const types = svc ? svc.profile_types.map((t) => t.type) : [];
  const type = ctx.query.get('type') || preferredType(types);
  const series = svc && svc.profile_types.find((t) => t.type === type);
  // A shared link may name its own window: ?from=&until= (unix ms).
  const custom = Number(ctx.query.get('from')) > 0 && Number(ctx.query.get('until')) > 0;
  const range = custom ? 'custom' : ctx.query.get('range') || defaultRange(series);
  const commit = ctx.query.get('commit') || '';
  const maxNodes = ctx.query.get('max_nodes') || '';
  const [from, until] = custom ? [Number(ctx.query.get('from')), Number(ctx.query.get('until'))]
                               : rangeBounds(range, series);

  const controls = h('div', {class: 'filters'},
                     serviceSelect(services, service, (v) => ctx.setQuery({service: v, type: '', commit: '', fn: '', fn_commit: ''}),
                                   {all: null}),
                     select('type', null, types, type, (v) => ctx.setQuery({type: v, fn: '', fn_commit: ''})),
                     rangeSelect(range, from, until, (v) => ctx.setQuery({range: v, from: '', until: ''})));
  const fg = await api('/api/v1/profiles/flamegraph', {service, type, from, until, commit, max_nodes: maxNodes});
  const commits = fg.commits || [];
  controls.append(commitSelect(commits, commit, type, (v) => ctx.setQuery({commit: v})));
  if (!fg.total) {
    ctx.root.replaceChildren(h('h1', {}, 'Profiles'), controls,
                             emptyState('No samples in this range', h('p', {}, `${service} sent no ${type} profile between `,
                                        new Date(from).toLocaleString(), ' and ', new Date(until).toLocaleString(),
                                        '. Pick a longer range.')));
    return;
  }

  const search = h('input', {type: 'search', placeholder: 'Search functions…', value: ctx.query.get('q') || '',
                             'aria-label': 'Search functions'});
  const searchResult = h('span', {class: 'sub search-result'});
  const graph = h('div', {class: 'flamegraph', id: 'flamegraph'});
  const details = h('aside', {class: 'function-details', id: 'function-details'});
  const summary = h('p', {class: 'sub'}, `${formatValue(fg.total, type)} in ${fg.chunks} profile${fg.chunks === 1 ? '' : 's'}`,
                    fg.nodes_before_pruning > fg.nodes
                        ? ` · ${fg.nodes.toLocaleString()} of ${fg.nodes_before_pruning.toLocaleString()} nodes shown (the lightest folded into "other")`
                        : ` · ${fg.nodes.toLocaleString()} nodes`,
                    ' · click a frame to zoom and open its function');
  const resetButton = h('button', {type: 'button'}, 'Reset zoom');
  // "Last hour" moves; the link to share names this exact window.
  const shareButton = h('button', {type: 'button', title: 'Copy a link to this exact time window'}, 'Copy link');
  shareButton.addEventListener('click', async () => {
    const url = new URL(location.href);
    url.searchParams.delete('range');
    url.searchParams.set('from', String(from));
    url.searchParams.set('until', String(until));
    try {
      await navigator.clipboard.writeText(url.toString());
      shareButton.textContent = 'Link copied';
    } catch {
      history.replaceState(null, '', url.pathname + url.search);
      shareButton.textContent = 'Link in the address bar';
    }
    setTimeout(() => (shareButton.textContent = 'Copy link'), 1500);
  });
  ctx.root.replaceChildren(h('h1', {}, 'Profiles'), controls,
                           h('div', {class: 'flame-tools'}, search, resetButton, shareButton, searchResult), summary,
                           graph, details, hottestTable(fg, type, (name) => openFunction(name)));

  const chart = drawFlamegraph(graph, fg, type, (name) => openFunction(name));
  ctx.onLeave(() => chart.destroyTip());
  resetButton.addEventListener('click', () => chart.resetZoom());
  chart.setSearchHandler((results, sum, total) => {
    searchResult.textContent = search.value ? `${results.length} frames match: ${percent(sum, total)} of the total` : '';
  });
  const runSearch = () => {
    if (search.value) chart.search(search.value);
    else { chart.clear(); searchResult.textContent = ''; }
  };
  let timer = null;
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { ctx.setQuery({q: search.value}, {render: false}); runSearch(); }, 200);
  });
  if (search.value) runSearch();

  async function openFunction(name, fnCommit = '') {
    if (!name || name === 'other' || name === 'total') return;
    ctx.setQuery({fn: name, fn_commit: fnCommit}, {render: false});
    details.replaceChildren(h('p', {class: 'sub'}, `Loading ${name}…`));
    try {
      const f = await api('/api/v1/profiles/function',
                          {service, type, name, from, until, commit: fnCommit || commit});
      details.replaceChildren(functionDetails(f, type, (c) => openFunction(name, c), () => {
        details.replaceChildren();
        ctx.setQuery({fn: '', fn_commit: ''}, {render: false});
      }));
      details.scrollIntoView({block: 'nearest'});
    } catch (err) {
      details.replaceChildren(ctx.errorBox(err));
    }
  }
  const fn = ctx.query.get('fn');
  if (fn) await openFunction(fn, ctx.query.get('fn_commit') || '');
}

// The flame graph's commit filter: every commit seen in the range, heaviest first.
function commitSelect(commits, current, type, onChange) {
  const options = [h('option', {value: ''}, `All commits (${commits.length})`)];
  for (const c of commits) {
    options.push(h('option', {value: c.commit, selected: c.commit === current},
                   `${shortSha(c.commit) || '(no commit)'} · ${formatValue(c.total, type)}`));
  }
  if (current && !commits.some((c) => c.commit === current)) {
    options.push(h('option', {value: current, selected: true}, shortSha(current)));
  }
  const s = h('select', {name: 'commit', 'aria-label': 'commit'}, options);
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

function preferredType(types) {
  return types.find((t) => t.startsWith('cpu:')) || types.find((t) => t.startsWith('wall:')) || types[0] || '';
}

function rangeSelect(current, from, until, onChange) {
  const options = RANGES.map(([k, , label]) => h('option', {value: k, selected: k === current}, label));
  if (current === 'custom') {
    options.unshift(h('option', {value: 'custom', selected: true},
                      `${new Date(from).toLocaleString()} – ${new Date(until).toLocaleString()}`));
  }
  const s = h('select', {name: 'range', 'aria-label': 'time range'}, options);
  s.addEventListener('change', () => onChange(s.value));
  return s;
}

// {name, self, total, children} → d3-flame-graph's {name, value, children}.
function toFlameData(node) {
  const out = {name: node.name, value: node.total, self: node.self};
  if (node.children && node.children.length) out.children = node.children.map(toFlameData);
  return out;
}

function drawFlamegraph(el, fg, type, onPick) {
  const total = fg.total;
  const tip = flameTooltip.defaultFlamegraphTooltip().html((d) => {
    const e = document.createElement('div');
    e.append(h('div', {class: 'tip-name'}, d.data.name),
             h('div', {}, `total ${formatValue(d.value, type)} (${percent(d.value, total)})`),
             h('div', {}, `self ${formatValue(d.data.self || 0, type)} (${percent(d.data.self || 0, total)})`));
    return e.innerHTML;
  });
  const chart = flamegraph()
      .width(Math.max(600, el.clientWidth || 1000))
      .cellHeight(18)
      .minFrameSize(2)
      .transitionDuration(0)
      .inverted(true)
      .sort(true)
      .title('')
      .tooltip(tip)
      .setColorHue('warm')
      .onClick((d) => onPick(d.data.name));
  d3select(el).datum(toFlameData(fg.flamegraph)).call(chart);
  chart.transitionDuration(250);  // drawn at once; zooms animate
  chart.destroyTip = () => tip.destroy();
  return chart;
}

function hottestTable(fg, type, onPick) {
  const rows = (fg.hottest || []).slice(0, 15).map((f) =>
      h('tr', {}, h('td', {}, h('a', {href: '#', onclick: (e) => { e.preventDefault(); onPick(f.name); }}, f.name)),
        h('td', {class: 'num'}, formatValue(f.self, type)), h('td', {class: 'num'}, percent(f.self, fg.total)),
        h('td', {class: 'num'}, formatValue(f.total, type))));
  if (rows.length === 0) return null;
  return h('section', {class: 'hottest'}, h('h2', {}, 'Hottest functions'),
           h('table', {class: 'list'}, h('thead', {}, h('tr', {}, h('th', {}, 'Function'), h('th', {}, 'Self'),
                                                      h('th', {}, ''), h('th', {}, 'Total'))),
             h('tbody', {}, rows)));
}

// Function Details: the function's lines at one commit, next to the code.
export function functionDetails(f, type, onCommit, onClose) {
  const commits = f.commits || [];
  const commitSelect = h('select', {name: 'fn_commit', 'aria-label': 'commit'},
                         commits.map((c) => h('option', {value: c.commit, selected: c.commit === f.commit},
                                              `${shortSha(c.commit) || '(no commit)'} · ${formatValue(c.total, type)}`)));
  commitSelect.addEventListener('change', () => onCommit(commitSelect.value));
  const files = (f.files || []).map((file) => fileLines(file, f, type));
  return h('div', {class: 'details-box'},
           h('div', {class: 'details-head'},
             h('h2', {}, 'Function Details'), h('span', {class: 'spacer'}),
             h('button', {type: 'button', class: 'close', onclick: onClose, 'aria-label': 'Close'}, '×')),
           h('dl', {class: 'facts'},
             h('dt', {}, 'Function'), h('dd', {class: 'fn-name'}, h('code', {}, f.function)),
             h('dt', {}, 'Self'), h('dd', {}, `${formatValue(f.self, type)}`),
             h('dt', {}, 'Total'), h('dd', {}, `${formatValue(f.total, type)}`),
             h('dt', {}, 'Repository'), h('dd', {}, f.repository_url || '—'),
             h('dt', {}, 'Commit'), h('dd', {}, commits.length > 1 ? commitSelect : h('code', {}, shortSha(f.commit) || '—'),
                                      commits.length > 1 ? h('span', {class: 'sub'}, ` ${commits.length} commits seen`) : null)),
           f.problem ? h('div', {class: 'problem'}, f.problem) : null,
           f.source_mappings_problem ? h('div', {class: 'problem'}, f.source_mappings_problem) : null,
           files.length ? files : h('p', {class: 'note'}, 'No line information for this function in this range.'));
}

function fileLines(file, f, type) {
  const r = file.resolution || {};
  const path = r.status === 'resolved' ? r.path : file.file;
  const stats = new Map((file.lines || []).map((l) => [l.line, l]));
  const maxSelf = Math.max(0, ...(file.lines || []).map((l) => l.self));
  const hottest = new Set((file.lines || []).filter((l) => maxSelf > 0 && l.self >= maxSelf * 0.5).map((l) => l.line));
  const header = h('div', {class: 'file-head'},
                   h('code', {class: 'path'}, path), copyButton(path, 'Copy path'),
                   file.start_line ? h('span', {class: 'sub'}, ` starts at line ${file.start_line}`) : null,
                   h('span', {class: 'spacer'}), viewMenu(r.links));
  const gutter = (n) => {
    const s = stats.get(n);
    return [h('td', {class: 'num self'}, s ? formatValue(s.self, type) : ''),
            h('td', {class: 'num total'}, s ? formatValue(s.total, type) : '')];
  };
  let body;
  if (file.code && file.code.lines) {
    body = codeBlock({lines: file.code.lines, startLine: file.code.start_line, path, marked: hottest, gutter,
                      gutterNames: ['Self', 'Total']});
  } else {
    body = [h('p', {class: 'note'}, r.status === 'resolved' ? file.code_error || 'No code for this file.'
                                                           : r.explanation || file.code_error || 'This file is not in the repository at this commit.'),
            h('table', {class: 'list'}, h('thead', {}, h('tr', {}, h('th', {}, 'Line'), h('th', {}, 'Self'), h('th', {}, 'Total'))),
              h('tbody', {}, (file.lines || []).map((l) => h('tr', {class: hottest.has(l.line) ? 'marked' : null},
                  h('td', {}, String(l.line)), h('td', {class: 'num'}, formatValue(l.self, type)),
                  h('td', {class: 'num'}, formatValue(l.total, type))))))];
  }
  return h('section', {class: 'fn-file'}, header, body);
}

function noProfiles() {
  return emptyState('No profiles yet',
    h('p', {}, 'srclink takes profiles as Pyroscope does (POST /ingest). Point a Pyroscope SDK at it, with the commit as a label:'),
    commandBlock(`Pyroscope.init({serverAddress: '${location.origin}', appName: 'shop',\n  tags: {service_repository: 'https://github.com/acme/shop', service_git_ref: process.env.GIT_SHA}})`),
    h('p', {}, 'Or push a pprof file from any runtime:'),
    commandBlock(`curl --data-binary @cpu.pprof '${location.origin}/ingest?name=shop.cpu{service_repository=https://github.com/acme/shop,service_git_ref=COMMIT}'`),
    h('p', {}, 'See ', navLink('/ui/repositories', 'Repositories'), ' for the labels of your repository.'));
}
