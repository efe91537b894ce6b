// Screenshots and logs go to tests/artifacts/e2e (gitignored) for a person to look at.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ARTIFACTS = process.env.BRIEFLY_E2E_ARTIFACTS || join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'artifacts', 'e2e');
mkdirSync(ARTIFACTS, { recursive: true });

export async function screenshot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}
