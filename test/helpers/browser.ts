import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium, headless, never a downloaded browser (see /work/shared/INFRA.md): what the console tests drive. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}
