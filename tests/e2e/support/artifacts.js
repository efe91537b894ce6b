// Screenshots and logs go to tests/artifacts/e2e (gitignored) for a person to look at.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ARTIFACTS = process.env.BRIEFLY_E2E_ARTIFACTS || join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'artifacts', 'e2e');
mkdirSync(ARTIFACTS, { recursive: true });

/** Save a screenshot, after checking the page's controls all have accessible names. */
export async function screenshot(page, name) {
  const { unlabelledControls } = await import('./a11y.js');
  const offenders = await unlabelledControls(page);
  if (offenders.length) throw new Error(`${name}: controls without an accessible name:\n${offenders.join('\n')}`);
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
