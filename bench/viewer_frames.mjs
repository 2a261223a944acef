// Viewer benchmark: time from opening the page to the first drawn map, and
// the frame time while orbiting a 3-D map (and panning a 2-D one), in headless
// Chromium driven by playwright-core.  WebGL runs on SwiftShader (the CPU):
// these machines have no GPU, so the frame times are an upper bound of what a
// laptop GPU needs.  Each frame is timed around draw() and a one-pixel
// readPixels, which waits until the frame is really drawn.  Two kinds of
// frame: full (the camera at rest: every point) and moving (the camera in
// motion: the renderer draws the uniform sample that fits its frame budget).
// usage: node bench/viewer_frames.mjs EMBVIEW NAME INPUT [serve options...]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/e2e/package.json', import.meta.url));
const { chromium } = require('playwright-core');
const [embview, name, input, ...opts] = process.argv.slice(2);

const server = await new Promise((resolve, reject) => {
  const p = spawn(embview, ['serve', input, ...opts, '--port', '0', '--quiet']);
  let text = '';
  p.stdout.on('data', (b) => { text += b; const m = text.match(/ at (http:\/\/\S+)/); if (m) resolve({ p, url: m[1] }); });
  p.on('exit', (c) => reject(new Error(`serve exited ${c}`)));
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--use-gl=angle', '--use-angle=swiftshader', '--enable-unsafe-swiftshader'] });
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const t0 = Date.now();
  await page.goto(server.url);
  await page.waitForFunction(() => window.embview && window.embview.jobVersion >= 1, null, { timeout: 600000, polling: 20 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  const first = (Date.now() - t0) / 1000;
  const frames = (mode, moving) => page.evaluate(([mode, moving]) => {
    const r = window.embview.renderer, gl = r.gl, times = [], px = new Uint8Array(4);
    r.draw(); // a full frame first: the moving frames size their sample from it
    for (let f = 0; f < 40; f++) {
      if (mode === 3) r.view.yaw += 0.05; else r.view.cx += 0.002;
      const s = performance.now();
      r.draw(moving);
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
      times.push(performance.now() - s);
    }
    times.sort((a, b) => a - b);
    return { n: r.n, drawn: r.drawn, mean: times.reduce((a, b) => a + b) / times.length,
      p95: times[Math.floor(times.length * 0.95)] };
  }, [mode, moving]);
  const cell = (f) => `${f.mean.toFixed(1)} / ${f.p95.toFixed(1)}`;
  const pan = await frames(2, false), panMoving = await frames(2, true);
  await page.selectOption('#dims', '3');
  await page.click('#run', { timeout: 600000 });
  await page.waitForFunction(() => window.embview.renderer.dims === 3, null, { timeout: 600000, polling: 50 });
  const orbit = await frames(3, false), orbitMoving = await frames(3, true);
  console.log(`| ${name} | ${pan.n} | ${first.toFixed(1)} | ${cell(pan)} | ${cell(orbit)} | ` +
    `${cell(panMoving)} (${panMoving.drawn}) | ${cell(orbitMoving)} (${orbitMoving.drawn}) |`);
} finally {
  await browser.close();
  server.p.kill('SIGTERM');
}
