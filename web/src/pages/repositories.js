// /ui/repositories and /ui/repositories/{id}?commit=&tracer=&deploy=: what was
// uploaded, and the set-up that makes telemetry name a commit.
import {api} from '../api.js';
import {h, navLink, timeAgo, formatCount, shortSha, copyButton, emptyState, commandBlock} from '../dom.js';
import {TRACERS, DEPLOYMENTS, uploadSteps, runSteps} from '../setup_help.js';

export const title = 'Repositories';

// Upload times are unix seconds or milliseconds; the UI works in ms.
const toMs = (t) => (t && t < 1e12 ? t * 1000 : t);

export async function render(ctx) {
  const repos = (await api('/api/v1/repositories')).repositories || [];
  if (ctx.params.id) return renderRepository(ctx, repos);
  if (repos.length === 0) {
    ctx.root.replaceChildren(h('h1', {}, 'Repositories'), noRepositories());
    return;
  }
  const rows = repos.map((r) => h('tr', {},
      h('td', {}, navLink(`/ui/repositories/${encodeURIComponent(r.repository_id)}`, r.repository_id)),
      h('td', {}, r.provider || '—'), h('td', {class: 'num'}, formatCount(r.commit_count)),
      h('td', {}, timeAgo(toMs(r.first_upload))), h('td', {}, timeAgo(toMs(r.last_upload)))));
  ctx.root.replaceChildren(h('h1', {}, 'Repositories'),
                           h('table', {class: 'list'},
                             h('thead', {}, h('tr', {}, ['Repository', 'Host', 'Commits', 'First upload', 'Last upload'].map((t) => h('th', {}, t)))),
                             h('tbody', {}, rows)),
                           h('h2', {}, 'Add a repository'), setupUpload(location.origin, 'https://github.com/acme/shop'));
}

async function renderRepository(ctx, repos) {
  const id = ctx.params.id;
  const repo = repos.find((r) => r.repository_id === id);
  ctx.setTitle(id);
  const list = (await api(`/api/v1/repositories/${encodeURIComponent(id)}/commits`, {limit: 200})).commits || [];
  const commit = ctx.query.get('commit') || (list[0] && list[0].commit_sha) || '';
  const repositoryUrl = (repo && repo.repository_url) || `https://${id}`;
  const rows = list.map((c) => {
    const href = `/ui/repositories/${encodeURIComponent(id)}?${new URLSearchParams({...Object.fromEntries(ctx.query), commit: c.commit_sha})}`;
    return h('tr', {class: c.commit_sha === commit ? 'selected' : null, 'data-commit': c.commit_sha},
             h('td', {}, navLink(href, h('code', {}, shortSha(c.commit_sha)))),
             h('td', {}, timeAgo(toMs(c.uploaded_at))), h('td', {}, c.source || ''),
             h('td', {class: 'num'}, formatCount(c.file_count)),
             h('td', {}, c.has_blob_ids ? 'ids uploaded' : h('span', {class: 'warn', title: 'Uploaded without blob ids (datadog-ci, or --no-contents): code cannot be shown until the server fetches it'}, 'paths only')));
  });
  const detail = h('div', {class: 'commit-detail'});
  ctx.root.replaceChildren(
      h('p', {class: 'crumbs'}, navLink('/ui/repositories', '← Repositories')),
      h('h1', {}, id), h('p', {class: 'sub'}, repositoryUrl, ' · ', repo ? repo.provider : ''),
      h('div', {class: 'two-col'},
        h('section', {},
          h('h2', {}, `Uploaded commits (${list.length})`),
          list.length ? h('table', {class: 'list commits'},
                          h('thead', {}, h('tr', {}, ['Commit', 'Uploaded', 'Source', 'Files', 'Contents'].map((t) => h('th', {}, t)))),
                          h('tbody', {}, rows))
                      : emptyState('No commits uploaded', h('p', {}, 'Run srclink upload in a checkout of this repository.')),
          detail),
        h('section', {class: 'setup'}, h('h2', {}, 'Set-up'), setupHelp(ctx, repositoryUrl, commit))));
  if (commit) await commitDetail(detail, id, commit);
}

async function commitDetail(el, id, commit) {
  try {
    const c = await api(`/api/v1/repositories/${encodeURIComponent(id)}/commits/${encodeURIComponent(commit)}`);
    const stored = c.files_with_contents;
    el.replaceChildren(h('h3', {}, 'Commit ', h('code', {}, shortSha(c.commit_sha)), copyButton(c.commit_sha, 'Copy SHA')),
                       h('dl', {class: 'facts'},
                         h('dt', {}, 'Parent'), h('dd', {}, h('code', {}, shortSha(c.parent_sha) || '—')),
                         h('dt', {}, 'Files'), h('dd', {}, formatCount(c.file_count)),
                         h('dt', {}, 'Contents stored'),
                         h('dd', {class: stored < c.file_count ? 'warn' : null},
                           stored === undefined ? '—' : `${formatCount(stored)} of ${formatCount(c.file_count)} files`,
                           stored < c.file_count ? h('div', {class: 'sub'}, 'Files without contents show links but no code: upload without --no-contents, or let the server fetch them.') : null),
                         c.refs && c.refs.length ? [h('dt', {}, 'Refs'), h('dd', {}, c.refs.join(', '))] : null));
  } catch (err) {
    el.replaceChildren(h('div', {class: 'problem'}, `Commit ${shortSha(commit)}: ${err.message}`));
  }
}

function setupHelp(ctx, repositoryUrl, commit) {
  const tracer = ctx.query.get('tracer') || 'datadog';
  const deploy = ctx.query.get('deploy') || 'shell';
  const service = ctx.query.get('service') || repositoryUrl.split('/').pop().replace(/\.git$/, '') || 'shop';
  const opts = {server: location.origin, repositoryUrl, commit: commit || '$(git rev-parse HEAD)', service, rootPath: ''};
  const tabs = (name, options, current) => h('div', {class: 'tabs', role: 'tablist', 'aria-label': name},
      options.map(([k, label]) => h('button', {type: 'button', role: 'tab', 'aria-selected': k === current ? 'true' : 'false',
                                               class: k === current ? 'active' : null,
                                               onclick: () => ctx.setQuery({[name]: k})}, label)));
  return [
    h('h3', {}, '1. Upload every commit from CI'),
    setupUpload(location.origin, repositoryUrl),
    h('h3', {}, '2. Tell telemetry which commit runs'),
    h('p', {class: 'sub'}, `For commit ${shortSha(commit) || 'HEAD'}; in a pipeline use the CI's commit variable.`),
    tabs('tracer', TRACERS, tracer), tabs('deploy', DEPLOYMENTS, deploy),
    runSteps(tracer, deploy, opts).map((s) => [h('p', {class: 'step'}, s.title), commandBlock(s.text)]),
  ];
}

function setupUpload(server, repositoryUrl) {
  return uploadSteps({server, repositoryUrl}).map((s) => [h('p', {class: 'step'}, s.title), commandBlock(s.text)]);
}

function noRepositories() {
  return emptyState('No repositories yet',
    h('p', {}, 'Upload a commit from a checkout, and frames of that commit link to its files:'),
    commandBlock('srclink keys create --data ./srclink-data --name ci --scope upload'),
    commandBlock(`SRCLINK_SERVER=${location.origin} SRCLINK_API_KEY=sk_… srclink upload`),
    h('p', {}, 'Or run ', h('code', {}, 'scripts/demo'), ' to see every page filled with this repository.'));
}
