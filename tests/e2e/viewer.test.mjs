// End-to-end test of the viewer in a real browser: playwright-core drives
// Debian's chromium (headless, WebGL through SwiftShader) against
// `embview serve` on MNIST-10k, then on a TensorBoard tutorial log dir.
// usage: node viewer.test.mjs EMBVIEW DATA_DIR OUT_DIR
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

const [embview, data, out] = process.argv.slice(2);
fs.mkdirSync(out, { recursive: true });
const images = path.join(data, 'mnist10k-images-idx3-ubyte.gz');
const labels = path.join(data, 'mnist10k-labels-idx1-ubyte.gz');
const failures = [];
function check(cond, what) {
  console.log(`${cond ? 'ok  ' : 'FAIL'} ${what}`);
  if (!cond) failures.push(what);
}

function serve(args) {
  return new Promise((resolve, reject) => {
    const p = spawn(embview, ['serve', ...args, '--port', '0', '--quiet']);
    let text = '';
    p.stdout.on('data', (b) => {
      text += b;
      const m = text.match(/ at (http:\/\/\S+)/);
      if (m) resolve({ p, url: m[1] });
    });
    p.stderr.on('data', (b) => process.stderr.write(b));
    p.on('exit', (code) => reject(new Error(`serve exited (${code}): ${text}`)));
  });
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'],
});

// pixels of the map: how many are not background, and which class colours show
async function mapPixels(page) {
  return page.evaluate(() => {
    const src = document.getElementById('map'), c = document.createElement('canvas');
    c.width = src.width; c.height = src.height;
    const g = c.getContext('2d');
    g.drawImage(src, 0, 0);
    const px = g.getImageData(0, 0, c.width, c.height).data;
    const palette = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7',
      '#9c755f', '#bab0ac'].map((h) => [1, 3, 5].map((o) => parseInt(h.slice(o, o + 2), 16)));
    let drawn = 0;
    const seen = new Array(10).fill(0);
    for (let i = 0; i < px.length; i += 4) {
      if (px[i] > 245 && px[i + 1] > 245 && px[i + 2] > 245) continue;
      drawn++;
      palette.forEach((p, k) => {
        if (Math.abs(px[i] - p[0]) + Math.abs(px[i + 1] - p[1]) + Math.abs(px[i + 2] - p[2]) < 40) seen[k]++;
      });
    }
    return { drawn, classes: seen.filter((v) => v > 20).length };
  });
}

async function waitFor(page, fn, arg, ms = 120000) {
  await page.waitForFunction(fn, arg, { timeout: ms, polling: 100 });
}

try {
  const { p: server, url } = await serve([images, '--labels', labels]);
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  const jobRequests = []; // how progress reaches the page: a stream, not polling
  page.on('request', (r) => { const u = new URL(r.url()).pathname; if (u.startsWith('/api/jobs/')) jobRequests.push(u); });
  await page.goto(url);
  await waitFor(page, () => window.embview && window.embview.jobVersion >= 1 && window.embview.renderer.n === 10000);
  await page.waitForTimeout(300);
  let px = await mapPixels(page);
  check(px.drawn > 5000 && px.classes >= 9, `the PCA map renders: ${px.drawn} drawn pixels, ${px.classes} class colours`);
  await page.screenshot({ path: path.join(out, 'viewer_pca.png') });
  const legend = await page.locator('#legend .entry').count();
  check(legend === 10, `colouring by label shows a 10-entry legend (${legend})`);

  // hover: a tooltip with the point's thumbnail
  const at = await page.evaluate(async () => {
    const r = window.embview.renderer, box = document.getElementById('map').getBoundingClientRect();
    for (let i = 0; i < r.n; i += 37) {
      const [x, y] = r.project(i);
      if (x <= 20 || y <= 20 || x >= box.width - 20 || y >= box.height - 20) continue;
      const j = await r.pick(x, y);
      if (j >= 0) {
        const [qx, qy] = r.project(j);
        return { x: x + box.left, y: y + box.top, i: j, off: Math.hypot(qx - x, qy - y) };
      }
    }
    return null;
  });
  // the picked point must lie under the mouse (points are drawn in a shuffled order that picking undoes)
  check(at !== null && at.off <= 3, `GPU picking names a point under the mouse (${at && at.off.toFixed(2)} px away)`);
  await page.mouse.move(at.x, at.y);
  await waitFor(page, () => { const t = document.querySelector('#tooltip img'); return t && t.complete && t.naturalWidth === 28; }, null, 10000)
    .then(() => check(true, 'hover shows a 28 x 28 thumbnail'), () => check(false, 'hover shows a 28 x 28 thumbnail'));
  await page.screenshot({ path: path.join(out, 'viewer_hover.png') });

  // a drag pans the map; once the motion stops the whole map is drawn again
  const before = await page.evaluate(() => window.embview.renderer.view.cx);
  await page.mouse.move(at.x + 40, at.y + 40);
  await page.mouse.down();
  for (let k = 1; k <= 10; k++) await page.mouse.move(at.x + 40 + 8 * k, at.y + 40);
  await page.mouse.up();
  await page.waitForTimeout(400);
  const pan = await page.evaluate(() => { const r = window.embview.renderer; return { cx: r.view.cx, drawn: r.drawn, n: r.n }; });
  check(pan.cx < before && pan.drawn === pan.n, `a drag pans the map; at rest all ${pan.n} points are drawn (${pan.drawn})`);
  await page.evaluate(() => { const r = window.embview.renderer; r.view.cx = 0; r.view.cy = 0; r.draw(); });
  await page.mouse.move(at.x, at.y);

  // click: the inspector lists 10 neighbours
  await page.mouse.click(at.x, at.y);
  await waitFor(page, () => document.querySelectorAll('#insp-body table.neighbors tr').length === 10, null, 20000)
    .then(() => check(true, 'clicking a point lists its 10 nearest neighbours'),
      () => check(false, 'clicking a point lists its 10 nearest neighbours'));
  await page.waitForTimeout(200);
  const inked = await page.evaluate(() => {
    const c = document.getElementById('labels'), px = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < px.length; i += 4) n += px[i] > 0;
    return n;
  });
  check(inked > 200, `the inspected point and its neighbours are labelled on the map (${inked} inked pixels)`);
  await page.click('#insp-body .isolate-neighbors');
  const shown = await page.evaluate(() => {
    const s = window.embview;
    return s.isolated && s.selection ? s.selection.size : 0;
  });
  check(shown === 11, `the inspector isolates the point and its 10 neighbours (${shown})`);
  await page.click('#clear-selection');
  await page.screenshot({ path: path.join(out, 'viewer_inspector.png') });

  // t-SNE with live progress (the inspector closed: its highlight dims the rest)
  await page.click('#insp-close');
  await page.selectOption('#method', 'tsne');
  await page.click('#run');
  const seenIters = new Set(), seenVersions = new Set();
  const t0 = Date.now();
  while (Date.now() - t0 < 300000) {
    const s = await page.evaluate(() => ({ text: document.getElementById('progress').textContent,
      version: window.embview.jobVersion }));
    const m = s.text.match(/iteration (\d+)\//);
    if (m) seenIters.add(m[1]);
    seenVersions.add(s.version);
    if (/tsne 2-D: done/.test(s.text)) break;
    await page.waitForTimeout(200);
  }
  const doneText = await page.locator('#progress').textContent();
  check(/tsne 2-D: done/.test(doneText), `a t-SNE run completes (${doneText})`);
  check(seenIters.size >= 3 && seenVersions.size >= 3,
    `with live progress: ${seenIters.size} iteration counts, ${seenVersions.size} map updates seen`);
  await waitFor(page, () => /trustworthiness/.test(document.getElementById('map-quality').textContent), null, 20000)
    .catch(() => {});
  const quality = await page.locator('#map-quality').textContent();
  const trust = Number((quality.match(/trustworthiness: ([0-9.]+)/) || [])[1]);
  check(trust > 0.9 && /t-SNE 2-D/.test(quality) && /continuity: 0\.\d+/.test(quality),
    `the map's quality is shown once t-SNE finishes (${quality.replace(/\s+/g, ' ').slice(0, 120)})`);
  const streams = jobRequests.filter((u) => u.endsWith('/events')).length;
  const polls = jobRequests.filter((u) => /^\/api\/jobs\/\d+$/.test(u)).length;
  check(streams >= 1 && polls === 0, `progress streamed by server-sent events (${streams} streams, ${polls} status polls)`);
  await page.waitForTimeout(300);
  px = await mapPixels(page);
  check(px.drawn > 5000 && px.classes >= 9, `the t-SNE map renders: ${px.drawn} drawn pixels, ${px.classes} class colours`);
  await page.screenshot({ path: path.join(out, 'viewer_tsne.png') });

  // a suspect opens its inspector with its neighbourhood's label counts
  const first = await page.locator('#suspects li').first();
  const text = await first.textContent();
  const idx = text.match(/point (\d+)/)[1];
  await first.click();
  await waitFor(page, (i) => !document.getElementById('inspector').hidden &&
    document.getElementById('insp-index').textContent === i &&
    document.querySelectorAll('#insp-body table.neighbors tr').length === 10, idx, 20000)
    .then(() => check(true, `selecting suspect ${idx} opens its inspector`),
      () => check(false, `selecting suspect ${idx} opens its inspector`));
  const counts = await page.locator('#insp-body .label-counts').textContent();
  check(/neighbour labels: .+: \d+/.test(counts), `the inspector shows the neighbourhood's label counts (${counts})`);
  await page.screenshot({ path: path.join(out, 'viewer_suspect.png') });

  // label review: accept the suggestion, export corrected labels and the change list
  const suggested = (await page.locator('.review .accept').textContent()).replace('accept ', '');
  await page.click('.review .accept');
  await waitFor(page, () => document.getElementById('review-info').textContent === '1 label(s) changed', null, 5000)
    .then(() => check(true, 'accepting the suggested label records one change'),
      () => check(false, 'accepting the suggested label records one change'));
  const saved = [];
  const twoDownloads = new Promise((resolve) => {
    page.on('download', async (d) => {
      const to = path.join(out, d.suggestedFilename());
      await d.saveAs(to);
      saved.push(to);
      if (saved.length === 2) resolve();
    });
  });
  await page.click('#export-labels');
  await twoDownloads;
  const corrected = saved.find((f) => f.includes('metadata-corrected'));
  const changes = saved.find((f) => f.includes('label-changes'));
  const rows = fs.readFileSync(corrected, 'utf8').trimEnd().split('\n');
  const truthOf = (i) => spawnSync('/usr/bin/python3', ['-c',
    `import gzip; print(gzip.open('${labels}').read()[8 + ${i}])`]).stdout.toString().trim();
  const truth = truthOf(idx);
  check(rows.length === 10000 && rows[Number(idx)] === suggested && rows[0] === truthOf(0),
    `corrected metadata: point ${idx} now '${rows[Number(idx)]}' (was ${truth}); one column, so no header (TensorBoard's rule)`);
  check(fs.readFileSync(changes, 'utf8') === `index\told_label\tnew_label\n${idx}\t${truth}\t${suggested}\n`,
    'the change list names the one change');

  // the coordinates as NPY
  const npyDownload = page.waitForEvent('download');
  await page.click('#export-npy');
  const npyPath = path.join(out, 'coords.npy');
  await (await npyDownload).saveAs(npyPath);
  const npy = fs.readFileSync(npyPath);
  const headerLen = npy.readUInt16LE(8);
  check(npy.subarray(1, 6).toString() === 'NUMPY' && (10 + headerLen) % 64 === 0 &&
    npy.length === 10 + headerLen + 10000 * 2 * 4 && /'shape': \(10000, 2\)/.test(npy.toString('latin1', 10, 10 + headerLen)),
    'the coordinates download as a 10,000 x 2 float32 NPY');

  // box selection: counts by class, isolate
  await page.click('#insp-close');
  const box = await page.locator('#map').boundingBox();
  await page.keyboard.down('Shift'); // a box over the middle half: well over 100 points on any t-SNE layout
  await page.mouse.move(box.x + box.width * 0.25, box.y + box.height * 0.25);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.75, box.y + box.height * 0.75, { steps: 5 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  const selInfo = await page.locator('#selection-info').textContent();
  const selN = Number((selInfo.match(/^(\d+) points/) || [0, 0])[1]);
  check(selN > 100 && /\d: \d+/.test(selInfo), `a box selects ${selN} points with counts by class`);
  await page.click('#isolate');
  await page.waitForTimeout(200);
  px = await mapPixels(page);
  check(px.drawn > 500, `isolating the selection still draws it (${px.drawn} pixels)`);
  await page.screenshot({ path: path.join(out, 'viewer_selection.png') });
  await page.click('#clear-selection');

  // a lasso: a triangle drawn with shift held
  await page.selectOption('#select-tool', 'lasso');
  await page.keyboard.down('Shift');
  await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.3);
  await page.mouse.down();
  for (const [fx, fy] of [[0.7, 0.3], [0.5, 0.7], [0.3, 0.3]])
    await page.mouse.move(box.x + box.width * fx, box.y + box.height * fy, { steps: 8 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  const lassoInfo = await page.locator('#selection-info').textContent();
  const lassoN = Number((lassoInfo.match(/^(\d+) points/) || [0, 0])[1]);
  check(lassoN > 20, `a lasso selects ${lassoN} points`);
  await page.click('#clear-selection');

  // a custom projection: x from the 4s to the 9s, y from the 3s to the 5s
  await page.selectOption('#method', 'custom');
  await page.fill('#custom-left', '/^4$/');
  await page.fill('#custom-right', '/^9$/');
  await page.fill('#custom-down', '/^3$/');
  await page.fill('#custom-up', '/^5$/');
  await page.click('#run');
  // the progress line says "done" before the coordinates arrive: wait for the coordinates themselves
  await waitFor(page, () => window.embview.coords && window.embview.coords.method === 'custom', null, 60000)
    .catch(() => {});
  const axes = await page.evaluate(() => {
    const s = window.embview, col = s.columns.find((c) => c.name === 'label'), y = s.coords.data, mean = (cls, d) => {
      let sum = 0, n = 0;
      col.codes.forEach((c, i) => { if (col.categories[c] === cls) { sum += y[2 * i + d]; n++; } });
      return sum / n;
    };
    return { method: s.coords.method, x4: mean('4', 0), x9: mean('9', 0), y3: mean('3', 1), y5: mean('5', 1) };
  });
  check(axes.method === 'custom' && axes.x9 > axes.x4 && axes.y5 > axes.y3,
    `a custom projection puts the 9s right of the 4s and the 5s above the 3s (${JSON.stringify(axes)})`);
  await page.screenshot({ path: path.join(out, 'viewer_custom.png') });
  check(errors.length === 0, `no console errors or warnings${errors.length ? ': ' + errors.slice(0, 3).join('; ') : ''}`);
  server.kill('SIGTERM');
  await page.close();

  // the tutorial log dir: tensor_name "embedding:0", absolute metadata path with a `label` header, a sprite
  const logdir = path.join(out, 'tutorial_logdir');
  fs.rmSync(logdir, { recursive: true, force: true });
  const ex = spawnSync(embview, ['export', images, '--labels', labels, '--tensorboard', logdir, '--quiet']);
  check(ex.status === 0, 'export a tutorial log dir');
  const meta = path.join(logdir, 'metadata.tsv');
  fs.writeFileSync(meta, 'label\n' + fs.readFileSync(meta, 'utf8'));
  const cfgPath = path.join(logdir, 'projector_config.pbtxt');
  fs.writeFileSync(cfgPath, fs.readFileSync(cfgPath, 'utf8')
    .replace(/tensor_name: "[^"]*"/, 'tensor_name: "embedding:0"')
    .replace(/metadata_path: "[^"]*"/, `metadata_path: "${path.resolve(meta)}"`));
  const { p: server2, url: url2 } = await serve([logdir]);
  const page2 = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page2.goto(`${url2}&view=2,0.1,-0.2,0.6,0.4`); // a shared link's camera (the printed URL has ?token=)
  await waitFor(page2, () => window.embview && window.embview.jobVersion >= 1 && window.embview.renderer.n === 10000);
  const cam = await page2.evaluate(() => window.embview.renderer.view);
  check(cam.zoom === 2 && cam.cx === 0.1 && cam.cy === -0.2, `the link's camera is restored (${JSON.stringify(cam)})`);
  const mapBox = await page2.locator('#map').boundingBox();
  await page2.mouse.move(mapBox.x + mapBox.width / 2, mapBox.y + mapBox.height / 2);
  await page2.mouse.wheel(0, -300);
  await page2.waitForTimeout(700);
  const zoomInUrl = Number(new URL(page2.url()).searchParams.get('view').split(',')[0]);
  check(zoomInUrl > 2, `zooming writes the camera into the URL (zoom ${zoomInUrl})`);
  const colorBy = await page2.locator('#color-by option:checked').textContent();
  const legend2 = await page2.locator('#legend .entry').count();
  check(colorBy === 'label' && legend2 === 10, `serve LOGDIR colours by 'label' (${colorBy}, ${legend2} entries)`);
  const thumbs = await page2.evaluate(() => window.embview.datasets[0].thumbnails);
  check(thumbs, 'the log dir\'s sprite gives thumbnails');
  const img = await page2.evaluate(() => new Promise((resolve) => {
    const im = new Image();
    im.onload = () => resolve(im.naturalWidth);
    im.onerror = () => resolve(0);
    im.src = '/api/datasets/0/thumb?i=0';
  }));
  check(img === 28, `a thumbnail cut from the log dir's sprite loads (${img} px wide)`);
  const pairs = await page2.locator('#pairs li').count();
  const top = await page2.locator('#pairs li').first().textContent();
  check(pairs >= 10 && /^4 – 9/.test(top), `the log dir's analysis lists the overlapping pairs (${pairs}; first ${top})`);
  await page2.waitForTimeout(300);
  await page2.screenshot({ path: path.join(out, 'viewer_logdir.png') });
  server2.kill('SIGTERM');
} catch (e) {
  check(false, `error: ${e.stack || e}`);
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
