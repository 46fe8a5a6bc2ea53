// The "View" menu of a frame: the file, its blame and the commit on the git host.
import {h, extLink} from './dom.js';

let openMenu = null;
document.addEventListener('click', (e) => {
  if (openMenu && !openMenu.contains(e.target)) closeMenu();
});
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') closeMenu();
});
function closeMenu() {
  if (openMenu) openMenu.classList.remove('open');
  openMenu = null;
}

// links: {file, blame, commit} (any may be missing). Returns null without links.
export function viewMenu(links, label = 'View') {
  if (!links) return null;
  const items = [
    ['file', 'View file'],
    ['blame', 'View Git blame'],
    ['commit', 'View commit'],
  ].filter(([k]) => links[k]);
  if (items.length === 0) return null;
  const menu = h('div', {class: 'menu', role: 'menu'},
                 items.map(([k, text]) => extLink(links[k], text)));
  for (const a of menu.querySelectorAll('a')) a.setAttribute('role', 'menuitem');
  const wrap = h('span', {class: 'view-menu'});
  const button = h('button', {type: 'button', 'aria-haspopup': 'menu', class: 'view'}, `${label} ▾`);
  button.addEventListener('click', (e) => {
    e.stopPropagation();
    const wasOpen = wrap.classList.contains('open');
    closeMenu();
    if (!wasOpen) {
      wrap.classList.add('open');
      openMenu = wrap;
    }
  });
  wrap.append(button, menu);
  return wrap;
}
