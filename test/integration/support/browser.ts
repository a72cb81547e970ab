// Chromium from Debian's packages (`apt-get install chromium`: .ci/run and `npm run setup`
// install it), driven by playwright-core. Browsers downloaded by npm packages are not used.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { atEnd } from './cleanup.ts';

export const CHROMIUM = process.env['LONGSHORE_CHROMIUM'] ?? '/usr/bin/chromium';

/** A headless Chromium, closed after the file's tests. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (npm run setup does), or set LONGSHORE_CHROMIUM`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    // No sandbox as root; no calls home, which a closed network refuses (and slowly).
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  atEnd(() => browser.close());
  return browser;
}
