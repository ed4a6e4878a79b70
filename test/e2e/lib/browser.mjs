// Debian's Chromium driven by playwright-core (which never downloads a browser of its own),
// headless, with a fresh profile and no background traffic to Google's hosts.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

// `args`: more Chromium flags (e.g. --ignore-certificate-errors for a self-signed test certificate).
export async function launchBrowser(tmp, { args = [] } = {}) {
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (scripts/install-deps.sh --test)`);
  const profile = path.join(tmp, 'chromium-profile');
  fs.mkdirSync(profile);
  return chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args],
  });
}

// Collects what a page says went wrong: uncaught exceptions, console errors (CSP refusals are
// console errors in Chromium) and HTTP error answers.
export function watchPage(page) {
  const problems = { errors: [], console: [], responses: [] };
  page.on('pageerror', (e) => problems.errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') problems.console.push(m.text()); });
  page.on('response', (r) => { if (r.status() >= 400) problems.responses.push(`${r.status()} ${r.url()}`); });
  return problems;
}

export const attr = (page, selector, name) => page.getAttribute(selector, name);

// page.waitForFunction with the description in its error (functions run in the page; they
// are compiled through the DevTools protocol, so the page's CSP does not refuse them).
export async function waitInPage(page, what, fn, arg, timeout = 8000) {
  try {
    const handle = await page.waitForFunction(fn, arg, { timeout, polling: 25 });
    return await handle.jsonValue();
  } catch (e) {
    throw new Error(`page: timed out after ${timeout} ms waiting for ${what}`, { cause: e });
  }
}

// The feed's entries, oldest first: [{id, event, topic, data}].
export function feedEntries(page, selector = '#feed li') {
  return page.$$eval(selector, (lis) => lis.map((li) => ({
    id: li.dataset.id, event: li.dataset.event, topic: li.dataset.topic,
    data: li.querySelector('.data').textContent,
  })).reverse());
}
