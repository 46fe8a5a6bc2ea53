// The web UI in a real browser: Debian's chromium driven by playwright-core,
// against `srclink serve` filled by scripts/demo (real dd-trace, Pyroscope and
// Go runtime/pprof data) plus a 10,000-node profile. Run by ui_test.sh:
//   node ui_test.mjs BASE_URL API_KEY SCREENSHOT_DIR EMPTY_SERVER_URL
// Each check prints "ok - NAME" or "not ok - NAME: why"; exits 1 if any failed.
// Timings (navigation → page ready) go to SCREENSHOT_DIR/timings.json.
import assert from 'node:assert/strict';
import {mkdirSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';

// playwright-core is installed with the UI's packages (web/package.json).
const {chromium} = createRequire(new URL('../../web/package.json', import.meta.url))('playwright-core');

const [base, key, shots, emptyBase] = process.argv.slice(2);
mkdirSync(shots, {recursive: true});
const browser = await chromium.launch({
  executablePath: process.env.SRCLINK_CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const context = await browser.newContext({viewport: {width: 1360, height: 900}});
const page = await context.newPage();
const pageErrors = [];
page.on('pageerror', (e) => pageErrors.push(e.message));
page.on('console', (m) => { if (m.type() === 'error' && !/status of 40[14]/.test(m.text())) pageErrors.push(m.text()); });

let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    console.log(`ok - ${name}`);
  } catch (e) {
    failed++;
    console.log(`not ok - ${name}: ${e.message.split('\n').slice(0, 6).join(' | ')}`);
    await page.screenshot({path: `${shots}/failed-${name.replace(/[^a-z0-9]+/gi, '-')}.png`, fullPage: true}).catch(() => {});
  }
}

// Navigates and waits until the page says it is ready; returns the time from
// navigation start to ready (performance mark 'srclink:ready'), in ms.
async function open(path, p = page) {
  await p.goto(base + path);
  await p.waitForSelector('body[data-state=ready]', {timeout: 15000});
  return p.evaluate(() => {
    const marks = performance.getEntriesByName('srclink:ready');
    return marks.length ? marks[marks.length - 1].startTime : NaN;
  });
}
const shot = (name) => page.screenshot({path: `${shots}/${name}.png`, fullPage: false});
const text = (sel) => page.locator(sel).first().innerText();
const timings = {};

await check('asks for an API key, then shows the errors', async () => {
  await open('/ui/errors');
  await page.locator('form.key-form input[name=key]').waitFor();
  assert.match(await text('main'), /key with the read scope/);
  await page.fill('form.key-form input[name=key]', key);
  await page.click('form.key-form button[type=submit]');
  await page.waitForSelector('table.errors tbody tr', {timeout: 15000});
});

let errorRows = [];
await check('errors list: demo-shop issues with counts, sparkline and filters', async () => {
  await open('/ui/errors?service=demo-shop');
  errorRows = await page.locator('table.errors tbody tr').evaluateAll((rows) => rows.map((r) => ({
    id: r.dataset.errorId, type: r.querySelector('.etype').textContent, text: r.innerText})));
  assert.ok(errorRows.length >= 3, `only ${errorRows.length} error rows`);
  assert.ok(errorRows.every((r) => /demo-shop/.test(r.text)), 'a row of another service');
  assert.ok(errorRows.some((r) => r.type === 'TypeError'), `types: ${errorRows.map((r) => r.type)}`);
  assert.ok(await page.locator('table.errors svg.sparkline rect:not(.zero)').count() >= 3, 'no sparkline bars');
  await shot('errors');
  // Search narrows the list and lands in the URL (shareable).
  await page.fill('input[name=q]', 'Type');
  await page.waitForURL(/q=Type$/);
  await page.waitForSelector('body[data-state=ready]');
  // The page re-rendered; typing goes on in the same box.
  await page.keyboard.type('Error');
  await page.waitForURL(/q=TypeError/);
  await page.waitForSelector('body[data-state=ready]');
  const types = await page.locator('table.errors .etype').allInnerTexts();
  assert.ok(types.length >= 1 && types.every((t) => t === 'TypeError'), `after search: ${types}`);
});

await check('error detail: in-app frames with code, third-party collapsed, View menu', async () => {
  const typeError = errorRows.find((r) => r.type === 'TypeError');
  await open('/ui/errors?service=demo-shop');
  await page.click(`tr[data-error-id="${typeError.id}"] a`);
  await page.waitForURL(new RegExp(`/ui/errors/${typeError.id}$`));
  await page.waitForSelector('body[data-state=ready]');
  assert.equal(await text('h1 .etype'), 'TypeError');
  const frame = page.locator('.frame.in-app.resolved').first();
  await frame.waitFor();
  const loc = await frame.locator('.loc').innerText();
  const m = /^(examples\/demo\/shop\/.+):(\d+)$/.exec(loc);
  assert.ok(m, `first in-app frame at ${loc}`);
  // The frame's own line is the marked one in its code, with 5 lines either side.
  assert.equal(await frame.locator('tr.marked td.ln').innerText(), m[2]);
  assert.ok(await frame.locator('.code tr').count() >= 6, 'fewer than 6 lines of code');
  assert.ok(await frame.locator('.code .hljs-keyword, .code [class^=hljs-]').count() > 0, 'code not highlighted');
  // Third-party frames are folded, not shown.
  const groups = page.locator('details.third-party-group');
  assert.ok(await groups.count() >= 1, 'no third-party group');
  assert.equal(await groups.first().getAttribute('open'), null);
  assert.equal(await page.locator('.frame.third-party').count(), 0);
  await groups.first().locator('summary').click();
  await page.locator('.frame.third-party').first().waitFor();
  await groups.first().locator('summary').click();
  // View menu: file, blame and commit on the git host, at the frame's line.
  await frame.locator('button.view').click();
  const items = frame.locator('.menu a');
  assert.deepEqual(await items.allInnerTexts(), ['View file', 'View Git blame', 'View commit']);
  assert.ok(await items.nth(0).isVisible(), 'menu not visible');
  const href = await items.nth(0).getAttribute('href');
  assert.match(href, new RegExp(`/blob/[0-9a-f]{40}/${m[1].replace(/[.]/g, '\\.')}#L${m[2]}$`));
  assert.match(await items.nth(1).getAttribute('href'), /\/blame\/[0-9a-f]{40}\//);
  assert.match(await items.nth(2).getAttribute('href'), /\/commit\/[0-9a-f]{40}$/);
  await shot('error-detail');
  await page.keyboard.press('Escape');
});

await check('error detail with 50+ frames: every in-app frame has its code', async () => {
  const deep = errorRows.find((r) => /nested deeper/.test(r.text));
  assert.ok(deep, 'no deep error in the list');
  timings.error_detail_ms = await open(`/ui/errors/${deep.id}`);
  const inApp = await page.locator('.frame.in-app').count();
  const withCode = await page.locator('.frame.in-app .code').count();
  assert.ok(inApp >= 50, `${inApp} in-app frames`);
  assert.equal(withCode, inApp, 'an in-app frame without code');
  timings.error_detail_frames = inApp;
});

await check('code origins: routes with their handler and code', async () => {
  await open('/ui/code-origins?service=demo-shop');
  const origins = page.locator('section.origin');
  assert.ok(await origins.count() >= 3, 'fewer than 3 entry points');
  const first = origins.first();
  assert.match(await first.locator('h3').innerText(), /^(GET|POST|PUT|DELETE) \//);
  assert.match(await first.innerText(), /\d+ requests/);
  assert.match(await first.locator('.loc').innerText(), /^examples\/demo\/shop\/.+:\d+$/);
  assert.equal(await first.locator('.code tr.marked').count(), 1);
  assert.match(await first.innerText(), /latest trace [0-9a-f]+/);
  await shot('code-origins');
});

await check('profiles: flame graph, tooltip, search, function details, another commit', async () => {
  await open('/ui/profiles?service=demo-worker');
  await page.waitForSelector('#flamegraph svg g.frame');
  assert.ok(await page.locator('#flamegraph g.frame').count() > 5, 'flame graph has few frames');
  // Hover: the tooltip names the function and its share.
  const node = page.locator('#flamegraph g.frame[name="main.priceOrders"]').first();
  await node.hover();
  await page.waitForSelector('.d3-flame-graph-tip', {state: 'visible'});
  assert.match(await text('.d3-flame-graph-tip'), /main\.priceOrders[\s\S]*total/);
  await page.waitForTimeout(300);  // the tooltip fades in; the screenshot shows it whole
  await shot('profiles');
  // Search highlights and reports the matching share.
  await page.fill('.flame-tools input[type=search]', 'sortOrders');
  await page.waitForFunction(() => /frames match/.test(document.querySelector('.search-result').textContent));
  await page.fill('.flame-tools input[type=search]', '');
  // Click: zoom and Function Details with the lines next to the code.
  await node.click();
  await page.waitForURL(/fn=main\.priceOrders/);
  const details = page.locator('#function-details .details-box');
  await details.waitFor();
  assert.match(await details.locator('.fn-name').innerText(), /main\.priceOrders/);
  assert.match(await details.locator('.path').first().innerText(), /examples\/demo\/worker\/main\.go$/);
  assert.ok(await details.locator('.code tr.marked').count() >= 1, 'no hottest line marked');
  const lineOf = async () => details.locator('.code tr.marked').first().getAttribute('data-line');
  const before = Number(await lineOf());
  const selfCell = await details.locator('.code tr.marked td.self').first().innerText();
  assert.ok(selfCell.trim() !== '', 'no self value on the hottest line');
  // Another commit: the menu lists both; the lines move with the code.
  const commitMenu = details.locator('select[name=fn_commit]');
  const options = await commitMenu.locator('option').evaluateAll((os) => os.map((o) => o.value));
  assert.equal(options.length, 2, `commits: ${options}`);
  const current = await commitMenu.inputValue();
  const other = options.find((o) => o !== current);
  await commitMenu.selectOption(other);
  await page.waitForURL(new RegExp(`fn_commit=${other}`));
  await page.waitForFunction((c) => {
    const s = document.querySelector('#function-details select[name=fn_commit]');
    return s && s.value === c;
  }, other);
  const after = Number(await lineOf());
  assert.ok(after !== before, `the hottest line stayed at ${before} in the other commit`);
  await details.scrollIntoViewIfNeeded();
  await page.screenshot({path: `${shots}/function-details.png`, fullPage: false});
  // The URL alone reopens the same view.
  const url = page.url();
  await open(url.slice(base.length));
  await page.locator('#function-details .details-box').waitFor();
  assert.equal(await page.locator('#function-details select[name=fn_commit]').inputValue(), other);
  // A link may name an exact window (from/until, unix ms) instead of a range.
  const now = Date.now();
  await open(`/ui/profiles?service=demo-worker&from=${now - 86400e3}&until=${now + 60e3}`);
  assert.equal(await page.locator('select[name=range]').inputValue(), 'custom');
  assert.ok(await page.locator('#flamegraph g.frame').count() > 5, 'no flame graph for the window');
});

await check('flame graph of 10,000 nodes', async () => {
  timings.flamegraph_ms = await open('/ui/profiles?service=synthetic&max_nodes=10000');
  await page.waitForSelector('#flamegraph svg g.frame');
  const summary = await text('main p.sub');
  const m = /([\d,]+) of ([\d,]+) nodes shown/.exec(summary);
  assert.ok(m, summary);
  timings.flamegraph_nodes = Number(m[1].replace(/,/g, ''));
  assert.ok(timings.flamegraph_nodes >= 9990 && timings.flamegraph_nodes <= 10000, summary);
  timings.flamegraph_drawn = await page.locator('#flamegraph g.frame').count();
  // Interactive: a click zooms at once.
  const t0 = Date.now();
  await page.locator('#flamegraph g.frame').nth(1).click();
  await page.waitForURL(/fn=/);
  timings.flamegraph_click_ms = Date.now() - t0;
});

await check('repositories: commits, contents, set-up help for the commit', async () => {
  await open('/ui/repositories');
  await page.click('table.list tbody tr a');
  await page.waitForSelector('table.commits tbody tr');
  await page.waitForSelector('body[data-state=ready]');
  const commits = await page.locator('table.commits tbody tr').count();
  assert.ok(commits >= 2, `${commits} commits`);
  const stored = await page.locator('.commit-detail dd').nth(2).innerText();
  const m = /^([\d,]+) of ([\d,]+) files/.exec(stored);
  assert.ok(m && m[1] === m[2], `contents stored: ${stored}`);
  const sha = await page.locator('table.commits tr.selected').getAttribute('data-commit');
  assert.match(await text('.setup'), new RegExp(`DD_GIT_COMMIT_SHA=${sha}`));
  await page.click('.tabs button:has-text("OpenTelemetry SDK")');
  await page.waitForURL(/tracer=otel/);
  await page.waitForSelector('body[data-state=ready]');
  assert.match(await text('.setup'), new RegExp(`vcs\\.ref\\.head\\.revision=${sha}`));
  await page.click('.tabs button:has-text("Kubernetes")');
  await page.waitForURL(/deploy=kubernetes/);
  await page.waitForSelector('body[data-state=ready]');
  assert.match(await text('.setup'), /ad\.datadoghq\.com\/tags: '\{"git\.repository_url":/);
  await page.click('.tabs button:has-text("Shell")');
  await page.waitForSelector('body[data-state=ready]');
  await shot('repositories');
});

await check('API errors are shown, not swallowed', async () => {
  await open('/ui/errors/999999');
  assert.match(await text('.problem'), /404 \(not_found\)/);
  await open('/ui/nowhere');
  assert.match(await text('main h1'), /Not found/);
});

await check('empty states say what to do next', async () => {
  const p = await context.newPage();
  await p.goto(`${emptyBase}/ui/errors`);
  await p.waitForSelector('body[data-state=ready]');
  assert.match(await p.locator('.empty').innerText(), /No errors yet[\s\S]*DD_TRACE_AGENT_URL/);
  await p.goto(`${emptyBase}/ui/profiles`);
  await p.waitForSelector('body[data-state=ready]');
  assert.match(await p.locator('.empty').innerText(), /No profiles yet[\s\S]*\/ingest/);
  await p.goto(`${emptyBase}/ui/repositories`);
  await p.waitForSelector('body[data-state=ready]');
  assert.match(await p.locator('.empty').innerText(), /No repositories yet[\s\S]*srclink upload/);
  await p.close();
});

await check('no script errors on any page', async () => {
  assert.deepEqual(pageErrors, []);
});

writeFileSync(`${shots}/timings.json`, JSON.stringify(timings, null, 2) + '\n');
console.log(`timings: ${JSON.stringify(timings)}`);
await browser.close();
process.exit(failed ? 1 : 0);
