/**
 * Headless Debian Chromium for browser tests, started the way this machine needs: no sandbox
 * (tests run as root), and no background networking, which the closed network would refuse.
 * A missing browser fails the test rather than skipping it; `.ci/run` installs Chromium first.
 *
 * @example
 * const browser = await launchChromium();
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

export const launchChromium = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install it (apt-get install -y chromium); .ci/run does this before npm test`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
};
