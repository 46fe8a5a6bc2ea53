// One frame of telemetry and where srclink found it: file:line, function, the
// code around the line, the View menu, or why it could not be linked and how
// to fix that.
import {h, extLink} from './dom.js';
import {codeBlock} from './code.js';
import {viewMenu} from './view_menu.js';

// The location a person reads first: the repository path when resolved.
export function frameLocation(frame) {
  const r = frame.resolution || {};
  const path = r.status === 'resolved' && r.path ? r.path : frame.file || '(no file)';
  return frame.line ? `${path}:${frame.line}` : path;
}

// Why a frame has no link, in words, with what to do next.
export function unresolvedReason(r) {
  if (!r || !r.status) return {why: 'srclink did not resolve this frame.', fix: ''};
  if (r.status === 'ambiguous') {
    const n = r.candidate_count || (r.candidates || []).length;
    return {
      why: `The path matches ${n} files of the repository at this commit, so srclink will not guess.`,
      fix: 'Tell srclink where the service lives in the repository: set service_root_path (Pyroscope label), ' +
           'or upload with the source root, or add a path mapping, so only one candidate remains.',
      candidates: r.candidates || [],
    };
  }
  if (r.status === 'unknown') {
    return {
      why: r.explanation || 'No file of the uploaded commit matches this path.',
      fix: r.rule ? '' : 'If this is your code, check that the commit the service runs was uploaded with srclink upload ' +
                         '(from the repository that builds it) and that the service reports that commit.',
    };
  }
  if (r.status === 'external') return {why: r.explanation || 'This frame maps to another repository.', fix: ''};
  return {why: r.explanation || '', fix: ''};
}

// A frame as a card. `open`: show the code (in-app frames) or not.
export function frameCard(frame, {problem = ''} = {}) {
  const r = frame.resolution || {};
  const resolved = r.status === 'resolved';
  const links = r.links || (r.external && r.external.link ? {file: r.external.link} : null);
  const head = h('div', {class: 'frame-head'},
                 h('span', {class: 'fn'}, frame.function || '(anonymous)'),
                 h('span', {class: 'loc', title: frame.file || ''}, frameLocation(frame)),
                 frame.column ? h('span', {class: 'col'}, `col ${frame.column}`) : null,
                 h('span', {class: 'spacer'}),
                 r.status ? h('span', {class: `badge ${r.status}`}, r.status) : null,
                 viewMenu(links));
  const body = [];
  if (resolved && r.snippet && Array.isArray(r.snippet.lines)) {
    body.push(codeBlock({lines: r.snippet.lines, startLine: r.snippet.start_line, path: r.path,
                         marked: new Set([r.snippet.line])}));
  } else if (resolved) {
    if (r.snippet_error) body.push(h('p', {class: 'note'}, 'No code: ', r.snippet_error));
    if (r.links_error) body.push(h('p', {class: 'note'}, 'No links: ', r.links_error));
  } else if (r.external) {
    body.push(h('p', {class: 'note'}, `${r.external.what || 'Third-party code'}. `,
                r.external.link ? extLink(r.external.link, 'Open its source') : null));
  } else if (problem) {
    body.push(h('p', {class: 'note'}, problem));
  } else if (!frame.in_app) {
    // Third-party code is expected outside the repository: one quiet line.
    body.push(h('p', {class: 'note'}, r.explanation || 'Not in the repository.',
                r.external_error ? ` ${r.external_error}` : ''));
  } else {
    const reason = unresolvedReason(r);
    body.push(h('div', {class: 'unlinked'},
                h('p', {}, h('strong', {}, 'Not linked: '), reason.why),
                reason.candidates && reason.candidates.length
                    ? h('ul', {class: 'candidates'}, reason.candidates.map((c) => h('li', {}, h('code', {}, c))))
                    : null,
                reason.fix ? h('p', {class: 'fix'}, h('strong', {}, 'How to fix: '), reason.fix) : null,
                r.external_error ? h('p', {class: 'note'}, r.external_error) : null));
  }
  return h('div', {class: `frame ${frame.in_app ? 'in-app' : 'third-party'} ${r.status || ''}`}, head, body);
}
