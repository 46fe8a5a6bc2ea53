// Source code shown inline: line numbers, syntax highlighting (highlight.js),
// and marked lines (the frame's line, or a profile's hottest lines).
import hljs from 'highlight.js/lib/common';
import {h} from './dom.js';

const byExtension = {
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  ts: 'typescript', tsx: 'typescript', py: 'python', go: 'go', java: 'java',
  kt: 'kotlin', kts: 'kotlin', scala: 'scala', rb: 'ruby', php: 'php', rs: 'rust',
  cs: 'csharp', fs: 'fsharp', vb: 'vbnet', c: 'c', h: 'c', cc: 'cpp', cpp: 'cpp',
  cxx: 'cpp', hpp: 'cpp', hh: 'cpp', m: 'objectivec', swift: 'swift', sh: 'bash',
  bash: 'bash', pl: 'perl', lua: 'lua', sql: 'sql', yaml: 'yaml', yml: 'yaml',
  json: 'json', xml: 'xml', html: 'xml', css: 'css', scss: 'scss', r: 'r',
  ex: 'elixir', exs: 'elixir', erl: 'erlang', dart: 'dart', groovy: 'groovy',
};

export function languageOf(path) {
  const m = /\.([A-Za-z0-9]+)$/.exec(path || '');
  const lang = m && byExtension[m[1].toLowerCase()];
  return lang && hljs.getLanguage(lang) ? lang : '';
}

// Highlights `lines` as one text (so multi-line strings and comments stay
// right) and splits the HTML back into lines, closing and reopening the spans
// that cross a line break.
export function highlightLines(lines, language) {
  const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  if (!language) return lines.map(escape);
  let html;
  try {
    html = hljs.highlight(lines.join('\n'), {language, ignoreIllegals: true}).value;
  } catch {
    return lines.map(escape);
  }
  const out = [];
  const open = [];  // the <span …> tags open at the current point
  let current = '';
  const re = /(<span[^>]*>)|(<\/span>)|(\n)|([^<\n]+)/g;
  let m;
  while ((m = re.exec(html)) !== null) {
    if (m[1]) { open.push(m[1]); current += m[1]; }
    else if (m[2]) { open.pop(); current += m[2]; }
    else if (m[3]) {
      out.push(current + '</span>'.repeat(open.length));
      current = open.join('');
    } else current += m[4];
  }
  out.push(current + '</span>'.repeat(open.length));
  return out;
}

// A code block. `lines` are strings or {number, text}; `startLine` numbers the
// first; `marked` is a Set of line numbers to highlight; `gutter(n)` may add a
// cell before each line (self/total of a profile line), named by `gutterNames`.
export function codeBlock({lines, startLine = 1, path = '', marked = new Set(), gutter = null, gutterNames = null}) {
  const texts = lines.map((l) => (typeof l === 'string' ? l : l.text));
  const numbers = lines.map((l, i) => (typeof l === 'string' ? startLine + i : l.number));
  const html = highlightLines(texts, languageOf(path));
  const rows = html.map((code, i) => {
    const n = numbers[i];
    const tr = h('tr', {class: marked.has(n) ? 'marked' : null, 'data-line': n},
                 gutter ? gutter(n) : null,
                 h('td', {class: 'ln'}, String(n)),
                 h('td', {class: 'src'}));
    tr.lastChild.innerHTML = code || ' ';
    return tr;
  });
  const head = gutterNames
      ? h('thead', {}, h('tr', {}, gutterNames.map((n) => h('th', {class: 'num'}, n)), h('th', {class: 'ln'}, 'Line'),
                         h('th', {}, 'Code')))
      : null;
  return h('div', {class: 'code'}, h('table', {class: 'hljs'}, head, h('tbody', {}, rows)));
}
