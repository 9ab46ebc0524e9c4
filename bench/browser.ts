/**
 * Measurements inside Chromium with the built extension loaded: signing and key
 * generation in the extension's service worker, stopping that worker (cold popup
 * runs: popup-paint.ts), and the popup's event-loop latency while the worker
 * generates keys.
 */
import { chromium, type BrowserContext, type CDPSession, type Page, type Worker } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM, chromiumArgs } from '../scripts/chromium';

export interface Extension {
  context: BrowserContext;
  worker: Worker;
  origin: string;
  close(): Promise<void>;
}

/** The extension's service worker in `context`, once it runs. */
export const serviceWorkerOf = async (context: BrowserContext): Promise<Worker> =>
  context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));

export async function launchExtension(extensionDir: string, exchangePort: number): Promise<Extension> {
  const profile = mkdtempSync(join(tmpdir(), 'kkm-bench-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: chromiumArgs(extensionDir, exchangePort),
    viewport: { width: 380, height: 600 },
  });
  const worker = await serviceWorkerOf(context);
  return {
    context,
    worker,
    origin: `chrome-extension://${new URL(worker.url()).host}`, // URL.origin is opaque in Node for this scheme
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Imports a key on the options page, as a person would (same steps as tests/e2e/fixtures.ts). */
export async function importKey(ext: Extension, keyId: string, pem: string): Promise<void> {
  const options = await ext.context.newPage();
  await options.goto(`${ext.origin}/options.html`);
  await options.getByLabel('Environment').selectOption({ label: 'Demo' });
  await options.getByLabel('API key ID').fill(keyId);
  await options.getByLabel('Private key', { exact: true }).fill(pem);
  await options.getByRole('button', { name: 'Import key' }).click();
  await options.getByRole('status').filter({ hasText: 'Imported' }).waitFor({ timeout: 30_000 });
  await options.close();
}

// ---- In the service worker ----------------------------------------------------------

export type WorkerAlg = 'RSA-PSS' | 'Ed25519';

/** Imports PKCS#8 keys (base64) into the worker as non-extractable signing keys, kept on globalThis. */
export async function importWorkerKeys(worker: Worker, pkcs8: Record<WorkerAlg, string>): Promise<void> {
  await worker.evaluate(async (keys) => {
    // No named inner functions here or in other evaluated code: tsx (esbuild keepNames) would wrap them in __name().
    const [rsaDer, edDer] = [keys['RSA-PSS'], keys.Ed25519].map((b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    const rsa = await crypto.subtle.importKey('pkcs8', rsaDer!, { name: 'RSA-PSS', hash: 'SHA-256' }, false, ['sign']);
    const ed = await crypto.subtle.importKey('pkcs8', edDer!, { name: 'Ed25519' }, false, ['sign']);
    if (rsa.extractable || ed.extractable) throw new Error('expected non-extractable keys');
    (globalThis as unknown as { __benchKeys: unknown }).__benchKeys = { 'RSA-PSS': rsa, Ed25519: ed };
  }, pkcs8);
}

/** Signatures per second in the worker: n sequential signatures of the real pre-sign text. */
export function workerSignRate(worker: Worker, alg: WorkerAlg, n: number): Promise<number> {
  return worker.evaluate(
    async ({ alg, n }) => {
      const key = (globalThis as unknown as { __benchKeys: Record<string, CryptoKey> }).__benchKeys[alg]!;
      const params = alg === 'RSA-PSS' ? { name: 'RSA-PSS', saltLength: 32 } : { name: 'Ed25519' };
      const encoder = new TextEncoder();
      const start = performance.now();
      for (let i = 0; i < n; i++) {
        await crypto.subtle.sign(params, key, encoder.encode(`${Date.now()}GET/trade-api/v2/api_keys`));
      }
      return n / ((performance.now() - start) / 1000);
    },
    { alg, n },
  );
}

/** Milliseconds for each of n key generations in the worker (as lib/crypto-keys.ts does it: non-extractable, SPKI exported). */
export function workerKeygenTimes(worker: Worker, alg: WorkerAlg, n: number): Promise<number[]> {
  return worker.evaluate(
    async ({ alg, n }) => {
      const params =
        alg === 'RSA-PSS'
          ? { name: 'RSA-PSS', hash: 'SHA-256', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }
          : { name: 'Ed25519' };
      const times: number[] = [];
      for (let i = 0; i < n; i++) {
        const start = performance.now();
        const pair = (await crypto.subtle.generateKey(params, false, ['sign', 'verify'])) as CryptoKeyPair;
        await crypto.subtle.exportKey('spki', pair.publicKey);
        times.push(performance.now() - start);
      }
      return times;
    },
    { alg, n },
  );
}

// ---- The popup ---------------------------------------------------------------------------

/** Stops the extension's service worker through CDP and waits until Chromium reports it stopped. */
export class WorkerStopper {
  private statuses = new Map<string, string>();
  private waiters: (() => void)[] = [];

  private constructor(
    private readonly cdp: CDPSession,
    private readonly page: Page,
  ) {
    cdp.on('ServiceWorker.workerVersionUpdated', (event) => {
      for (const v of event.versions) this.statuses.set(v.versionId, v.runningStatus);
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  static async open(ext: Extension): Promise<WorkerStopper> {
    const page = await ext.context.newPage(); // a CDP session needs a page; this one stays on about:blank
    const cdp = await ext.context.newCDPSession(page);
    const stopper = new WorkerStopper(cdp, page);
    await cdp.send('ServiceWorker.enable');
    return stopper;
  }

  private allStopped() {
    return [...this.statuses.values()].every((s) => s === 'stopped');
  }

  async stopAll(timeoutMs = 10_000): Promise<void> {
    await this.cdp.send('ServiceWorker.stopAllWorkers');
    const deadline = Date.now() + timeoutMs;
    while (!this.allStopped()) {
      if (Date.now() > deadline) throw new Error(`service worker did not stop: ${JSON.stringify([...this.statuses])}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
  }

  async close() {
    await this.cdp.detach().catch(() => {});
    await this.page.close();
  }
}

// ---- Popup responsiveness while the worker works ------------------------------------------

/**
 * Starts a probe in the page: every ~10 ms it schedules setTimeout(0) and records how late
 * it fires. Probes are started from a MessageChannel task so Chromium's 4 ms clamp for
 * nested timers never applies.
 */
export async function startLatencyProbe(page: Page): Promise<void> {
  await page.evaluate(() => {
    const state = { lags: [] as number[], running: true };
    (window as unknown as { __probe: typeof state }).__probe = state;
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      if (!state.running) return;
      const t0 = performance.now();
      setTimeout(() => {
        state.lags.push(performance.now() - t0);
        setTimeout(() => channel.port2.postMessage(0), 10);
      }, 0);
    };
    channel.port2.postMessage(0);
  });
}

/** Stops the probe and returns the lags (ms) it saw. */
export function stopLatencyProbe(page: Page): Promise<number[]> {
  return page.evaluate(() => {
    const state = (window as unknown as { __probe: { lags: number[]; running: boolean } }).__probe;
    state.running = false;
    return state.lags;
  });
}
