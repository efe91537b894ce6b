// A silent microphone gets a clear warning on the recorder (and a speaking one does not:
// see journey.test.js).
import { test, before, after } from 'node:test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer } from './support/server.js';
import { launchBrowser, newUserContext } from './support/browser.js';
import { silentWav } from './support/speech.js';
import { ARTIFACTS, screenshot } from './support/artifacts.js';

let server;
let browser;

before(async () => {
  server = await startServer({ artifactsDir: ARTIFACTS });
  browser = await launchBrowser(silentWav(mkdtempSync(join(tmpdir(), 'briefly-e2e-fixtures-'))));
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

test('the recorder warns when the microphone is silent', async () => {
  const { context, page } = await newUserContext(browser, server.base, { name: 'Quiet Quinn', email: `quinn-${Date.now()}@example.test` });
  await page.goto('/record');
  await page.getByRole('alert').filter({ hasText: 'microphone seems silent' }).waitFor({ timeout: 15000 });
  await screenshot(page, '13-recorder-silent-mic');
  await context.close();
});
