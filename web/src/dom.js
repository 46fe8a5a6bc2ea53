// Small DOM and formatting helpers shared by every page. No framework: pages
// build elements with h() and replace the contents of #app.

// h('a', {href: '/x', class: 'y', onclick: fn}, 'text', child, [more]) → Element.
// Attributes starting with "on" become listeners; null/false children are skipped.
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'html') el.innerHTML = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// A link inside the UI: navigates without reloading (see main.js).
export function navLink(href, ...children) {
  return h('a', {href, 'data-nav': ''}, ...children);
}

// An external link (git host): opens in a new tab.
export function extLink(href, ...children) {
  return h('a', {href, target: '_blank', rel: 'noopener noreferrer'}, ...children);
}

export function formatCount(n) {
  if (n === undefined || n === null) return '';
  return Number(n).toLocaleString('en-US');
}

// "3 min ago", "2 h ago", "5 d ago" for unix ms; the title holds the exact time.
export function timeAgo(ms, now = Date.now()) {
  if (!ms) return h('span', {}, '—');
  const s = Math.max(0, Math.round((now - ms) / 1000));
  let text;
  if (s < 60) text = `${s} s ago`;
  else if (s < 3600) text = `${Math.floor(s / 60)} min ago`;
  else if (s < 86400) text = `${Math.floor(s / 3600)} h ago`;
  else text = `${Math.floor(s / 86400)} d ago`;
  return h('time', {datetime: new Date(ms).toISOString(), title: new Date(ms).toLocaleString()}, text);
}

export function shortSha(sha) {
  return sha ? sha.slice(0, 12) : '';
}

// Formats a profile value by its unit ("cpu:nanoseconds" → "1.25 s").
export function formatValue(value, type = '') {
  const unit = type.split(':')[1] || '';
  const v = Number(value) || 0;
  if (unit === 'nanoseconds' || unit === 'microseconds' || unit === 'milliseconds' || unit === 'seconds') {
    const scale = {nanoseconds: 1e-9, microseconds: 1e-6, milliseconds: 1e-3, seconds: 1}[unit];
    const s = v * scale;
    if (s >= 1) return `${s.toFixed(2)} s`;
    if (s >= 1e-3) return `${(s * 1e3).toFixed(2)} ms`;
    if (s >= 1e-6) return `${(s * 1e6).toFixed(1)} µs`;
    return `${Math.round(s * 1e9)} ns`;
  }
  if (unit === 'bytes') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let x = v, i = 0;
    while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
    return `${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
  }
  return formatCount(v);
}

export function percent(part, whole) {
  if (!whole) return '0%';
  const p = (100 * part) / whole;
  return p >= 10 ? `${p.toFixed(0)}%` : `${p.toFixed(1)}%`;
}

// A button that copies `text` and says so.
export function copyButton(text, label = 'Copy') {
  const b = h('button', {class: 'copy', type: 'button', title: `Copy ${text}`}, label);
  b.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(text);
      b.textContent = 'Copied';
    } catch {
      // Clipboard needs a secure context; select the text instead.
      const ta = h('textarea', {}, text);
      document.body.append(ta);
      ta.select();
      document.execCommand('copy');
      ta.remove();
      b.textContent = 'Copied';
    }
    setTimeout(() => (b.textContent = label), 1500);
  });
  return b;
}

// An empty state: what is missing and what to do next.
export function emptyState(title, ...body) {
  return h('div', {class: 'empty'}, h('h3', {}, title), ...body);
}

// A shell command shown with a copy button.
export function commandBlock(text) {
  return h('div', {class: 'command'}, h('pre', {}, text), copyButton(text));
}

// A tiny inline SVG bar chart of counts (the errors list's last day).
export function sparkline(values, {width = 96, height = 20, title = ''} = {}) {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('class', 'sparkline');
  svg.setAttribute('width', width);
  svg.setAttribute('height', height);
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  svg.setAttribute('role', 'img');
  if (title) {
    const t = document.createElementNS(ns, 'title');
    t.textContent = title;
    svg.append(t);
  }
  const max = Math.max(1, ...values);
  const bw = width / Math.max(1, values.length);
  values.forEach((v, i) => {
    const bh = v > 0 ? Math.max(1.5, (v / max) * (height - 1)) : 0.5;
    const r = document.createElementNS(ns, 'rect');
    r.setAttribute('x', (i * bw + 0.5).toFixed(2));
    r.setAttribute('y', (height - bh).toFixed(2));
    r.setAttribute('width', Math.max(1, bw - 1).toFixed(2));
    r.setAttribute('height', bh.toFixed(2));
    if (v === 0) r.setAttribute('class', 'zero');
    svg.append(r);
  });
  return svg;
}
