// Captures the Aspire dashboard's view of the latest gateway trace (README screenshot).
// Usage: node scripts/capture-dashboard-trace.mjs <dashboard login url> <output.png>
// Needs playwright-core (npm) and Debian's chromium; the AppHost must be running and have served a request.
import { chromium } from 'playwright-core';

const [loginUrl, output] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
await page.goto(loginUrl);
const base = new URL(loginUrl).origin;
await page.goto(`${base}/traces`);
await page.waitForTimeout(3000);
// Open the most recent POST /v1/messages trace of the gateway.
await page.getByText('gateway: POST /v1/messages').last().click();
await page.waitForTimeout(3000);
// Dismiss the dev-certificate banner, then select the server span so its GenAI attributes show.
await page.locator('fluent-message-bar button, [aria-label="Close"]').first().click().catch(() => {});
await page.getByRole('gridcell', { name: /POST \/v1\/messages/ }).first().click().catch(() => {});
await page.waitForTimeout(2000);
await page.screenshot({ path: output, fullPage: false });
await browser.close();
console.log(`saved ${output}`);
