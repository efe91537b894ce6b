// Starts the real `briefly serve` on 127.0.0.1 with a throwaway data folder (SQLite + local
// disk) and stops it afterwards. The binary is the one cargo built (BRIEFLY_BIN overrides).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, createWriteStream, existsSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';

const STARTUP_TIMEOUT_MS = 60000;

export function brieflyBinary() {
  if (process.env.BRIEFLY_BIN) return process.env.BRIEFLY_BIN;
  const target = process.env.CARGO_TARGET_DIR || join(homedir(), '.cache/briefly/target');
  return join(target, 'debug', 'briefly');
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitHealthy(base, child) {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`briefly exited with ${child.exitCode} during startup`);
    try {
      const response = await fetch(`${base}/healthz`);
      if (response.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('briefly did not become healthy within 60 s');
}

/** `{base, dataDir, logPath, stop()}` for a running server. */
export async function startServer({ artifactsDir }) {
  const binary = brieflyBinary();
  if (!existsSync(binary)) throw new Error(`no briefly binary at ${binary}; run cargo build first`);
  const dataDir = mkdtempSync(join(tmpdir(), 'briefly-e2e-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = { ...process.env, BRIEFLY_DATA_DIR: dataDir, BRIEFLY_LISTEN: `127.0.0.1:${port}`, RUST_LOG: process.env.RUST_LOG || 'info' };
  // The webhook test's receiver listens on 127.0.0.1, which Briefly refuses by default.
  env.BRIEFLY_WEBHOOK_ALLOW_PRIVATE_TARGETS = 'true';
  delete env.DATABASE_URL;
  delete env.BRIEFLY_S3_BUCKET;
  if (!env.BRIEFLY_WHISPER_MODEL) {
    const model = join(homedir(), '.cache/briefly/models/ggml-tiny.en.bin');
    if (existsSync(model)) env.BRIEFLY_WHISPER_MODEL = model;
  }
  const logPath = join(artifactsDir, `server-${port}.log`);
  const log = createWriteStream(logPath);
  const child = spawn(binary, ['serve', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  await waitHealthy(base, child);
  return {
    base,
    dataDir,
    logPath,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await Promise.race([new Promise((r) => child.once('exit', r)), new Promise((r) => setTimeout(r, 10000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
