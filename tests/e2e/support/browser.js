// Debian's Chromium driven by playwright-core, with fake camera/microphone (the microphone
// plays `audioWav`) and auto-accepted capture of the current tab for screen recording.
import { chromium } from 'playwright-core';

export async function launchBrowser(audioWav) {
  return chromium.launch({
    executablePath: process.env.BRIEFLY_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-audio-capture=${audioWav}`,
      '--auto-accept-this-tab-capture',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Counts the bytes MediaRecorder hands the page, in sessionStorage (which survives the
 * navigation to the share page), so a test can compare them with what the server stored. */
export const COUNT_RECORDED_BYTES = () => {
  const Original = window.MediaRecorder;
  if (!Original) return;
  window.MediaRecorder = class extends Original {
    constructor(...args) {
      super(...args);
      this.addEventListener('dataavailable', (event) => {
        const total = Number(sessionStorage.getItem('e2e.recordedBytes') || 0) + event.data.size;
        sessionStorage.setItem('e2e.recordedBytes', String(total));
      });
    }
  };
};

export async function newUserContext(browser, base, { name, email, password = 'correct horse battery' }) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (err) => console.log(`[${name}] page error: ${err.message}`));
  await page.goto('/signup');
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Password/).fill(password);
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.waitForURL(`${base}/`);
  return { context, page };
}
