// Captures every admin page for the README (docs/screenshots/admin-*.png), after sending some traffic so the pages
// have something to show. Usage (the AppHost running, from the repo root):
//   node scripts/capture-admin-pages.mjs <admin url> <gateway url> <master key> [output dir]
// e.g. node scripts/capture-admin-pages.mjs http://localhost:4001 http://localhost:4000 "$KEY" docs/screenshots
// Needs playwright-core (npm) and Debian's chromium. The key is read from the command line, never written anywhere.
import { chromium } from 'playwright-core';

const [admin, gateway, key, out = 'docs/screenshots'] = process.argv.slice(2);
if (!admin || !gateway || !key) {
  console.error('usage: node scripts/capture-admin-pages.mjs <admin url> <gateway url> <master key> [output dir]');
  process.exit(2);
}

// Traffic: a few answers from the demo model, streamed and not, in both client protocols, and one failure.
const post = (path, body, extra = {}) => fetch(`${gateway}${path}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, ...extra },
  body: JSON.stringify(body),
}).then((r) => r.text());
for (let i = 0; i < 6; i++) {
  await post('/v1/messages', { model: 'bridge-echo', max_tokens: 64, stream: i % 2 === 0, messages: [{ role: 'user', content: `hello ${i}` }] },
    { 'x-claude-code-session-id': `screenshot-session-${i % 2}` });
  await post('/v1/chat/completions', { model: 'bridge-echo', messages: [{ role: 'user', content: `hi ${i}` }] });
}
await post('/v1/responses', { model: 'bridge-echo', input: 'a Responses request' });

const browser = await chromium.launch({
  executablePath: process.env.BRIDGE_CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await page.goto(`${admin}/login`);
await page.fill('#key', key);
await page.click('button[type=submit]');
await page.waitForURL((url) => !url.pathname.startsWith('/login'));

const pages = [['overview', ''], ['keys', 'keys'], ['usage', 'usage'], ['requests', 'requests'], ['aliases', 'aliases'],
  ['deployments', 'deployments'], ['master-keys', 'master-keys']];
for (const [name, path] of pages) {
  await page.goto(`${admin}/${path}`);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(2500); // the live pages' first refresh and the charts' drawing
  const file = `${out}/admin-${name}.png`;
  await page.screenshot({ path: file, fullPage: true });
  console.log(`saved ${file}`);
}

// The sign-in page, signed out.
const fresh = await browser.newPage({ viewport: { width: 1440, height: 900 } });
await fresh.goto(`${admin}/login`);
await fresh.screenshot({ path: `${out}/admin-login.png` });
console.log(`saved ${out}/admin-login.png`);
await browser.close();
