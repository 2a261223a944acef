// Every module of the viewer loads (imports resolve, nothing touches the
// DOM before it is asked to), and the page loads the entry module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const web = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../web');
const ENTRY = 'app.js'; // runs the viewer when loaded: the browser tests cover it

test('every module loads outside a browser', async () => {
  const modules = fs.readdirSync(web).filter((f) => f.endsWith('.js') && f !== ENTRY);
  assert.ok(modules.length > 10);
  for (const f of modules) await import(path.join(web, f));
});

test('the page loads app.js as a module, and app.js imports only files that exist', () => {
  assert.match(fs.readFileSync(path.join(web, 'index.html'), 'utf8'), /<script type="module" src="\/static\/app\.js">/);
  for (const f of fs.readdirSync(web).filter((f) => f.endsWith('.js'))) {
    const source = fs.readFileSync(path.join(web, f), 'utf8');
    for (const [, name] of source.matchAll(/^import .* from '\.\/([^']+)';$/gm))
      assert.ok(fs.existsSync(path.join(web, name)), `${f} imports ./${name}`);
  }
});
