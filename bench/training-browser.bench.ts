// The app's own training speed: the real Train tab in Debian's Chromium (playwright-core), LeNet-5
// on MNIST for three epochs as a person starts it (backend chosen automatically), next to the same
// step graph in Node — onnxruntime-web's WASM and onnxruntime-node's native CPU, each in its own
// process — and PyTorch CPU, all in this run. The worker's epoch reports are read from its
// messages (a wrapper around Worker set before the page loads), so no UI text is parsed.
// Two more Chromium sides split the app's time: the training worker alone (its probe loop: the
// same step graph and batches, no UI, a 15 s warm-up, 1 thread), and launches of one browser
// profile against one server (one origin): cold, warm, and warm with the profile's WASM code cache
// removed (everything else of the profile kept), to see what Chromium's compiled-WASM cache saves
// on a second launch. A trace of each launch says whether V8 wrote the cache and whether the next
// launch read it. NETLOOM_BENCH_SIDES=launch runs the launches only.
//
// NETLOOM_BENCH_BASELINE=<git ref> also builds the renderer at that commit (git archive into a
// temporary folder, this checkout's node_modules) and times it in the same rounds, alternating;
// a folder holding such a checkout may be given instead of a ref.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { serveStatic } from '../scripts/serve-static.mjs';
import { median, table, torchPeer } from './stats.ts';
import { stepTimesIn } from './step-time.ts';

const root = join(import.meta.dirname, '..');
const epochs = 3;
const rounds = Number(process.env['NETLOOM_BENCH_ROUNDS'] ?? 2);

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Builds `dir`'s renderer into dir/dist/renderer unless it is newer than its sources. */
function build(dir: string): string {
  const out = join(dir, 'dist/renderer');
  const built = join(out, 'index.html');
  const sources = Math.max(...['renderer', 'src', 'templates'].map((d) => newest(join(dir, d))));
  if (!existsSync(built) || statSync(built).mtimeMs < sources) {
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
      {
        cwd: dir,
        stdio: 'inherit',
      },
    );
  }
  return out;
}

function baseline(ref: string): string {
  // A folder already holding a checkout (with node_modules) is built in place.
  if (existsSync(join(ref, 'renderer'))) return build(ref);
  const dir = mkdtempSync(join(tmpdir(), 'netloom-baseline-'));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  execFileSync('sh', ['-c', `git archive "${ref}" | tar -x -C "${dir}"`], { cwd: root });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return build(dir);
}

interface EpochMsg {
  readonly epoch: number;
  readonly stepsPerSecond: number;
  readonly steps: number;
}

interface AppRun {
  /** Mean step of each epoch, ms (the worker's own clock, training steps only). */
  readonly epochMs: number[];
  /** Start click to the last epoch report, s (includes the probe and the session's creation). */
  readonly wallS: number;
  readonly backend: string;
  /** Why it trains there: the probe's rates, as the panel shows them. */
  readonly why: string;
  /** Seconds the page's main thread was busy (CDP TaskDuration) from Start to the last epoch. */
  readonly mainBusyS: number;
}

async function trainInApp(dist: string): Promise<AppRun> {
  const server = await serveStatic(dist, 0);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1440, height: 900 } })).newPage();
    // Past the first launch's Templates gallery, as test/e2e/app.ts does.
    await page.addInitScript(() => localStorage.setItem('netloom.started', '1'));
    await page.addInitScript(() => {
      const w = window as unknown as { __epochs: unknown[]; __ready: unknown[] };
      w.__epochs = [];
      w.__ready = [];
      const Original = window.Worker;
      window.Worker = class extends Original {
        constructor(url: string | URL, opts?: WorkerOptions) {
          super(url, opts);
          this.addEventListener('message', (e: MessageEvent) => {
            const d = e.data as { type?: string; report?: unknown };
            if (d?.type === 'epoch') w.__epochs.push(d.report);
            if (d?.type === 'ready') w.__ready.push(d);
          });
        }
      };
    });
    page.on('dialog', (d) => void d.accept());
    await page.goto(server.url);
    await page.getByTestId('open-gallery').click();
    await page.locator('.card[data-template="lenet5"]').click();
    await page.getByTestId('train-tab').click();
    await page.locator('[data-testid="train-panel"] [data-field="epochs"]').fill(String(epochs));
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const busy = async (): Promise<number> =>
      (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'TaskDuration')?.value ?? NaN;
    const busy0 = await busy();
    const t0 = Date.now();
    await page.getByTestId('train-start').click();
    await page.waitForFunction(
      (n) => (window as unknown as { __epochs: unknown[] }).__epochs.length >= n,
      epochs,
      {
        timeout: 600_000,
        polling: 100,
      },
    );
    const wallS = (Date.now() - t0) / 1000;
    const mainBusyS = (await busy()) - busy0;
    const got = (await page.evaluate(
      () => (window as unknown as { __epochs: unknown[] }).__epochs,
    )) as EpochMsg[];
    const backend = (await page.getByTestId('train-backend').textContent()) ?? '';
    const why = (await page.getByTestId('train-backend-why').textContent()) ?? '';
    return {
      epochMs: got.slice(0, epochs).map((e) => 1000 / e.stepsPerSecond),
      wallS,
      backend,
      why,
      mainBusyS,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

const launchArgs = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'];
const lenet5 = (): unknown => JSON.parse(readFileSync(join(root, 'templates/lenet5.json'), 'utf8'));
const workerAsset = (dist: string): string =>
  readdirSync(join(dist, 'assets')).find((f) => f.startsWith('train-wasm.worker'))!;

/**
 * The training worker on a bare page of the app (cross-origin isolated like the app), sent one
 * message; resolves with the events up to the one `until` accepts.
 */
async function inWorker(
  page: Page,
  dist: string,
  message: Record<string, unknown>,
  until: 'probed' | 'epochs',
): Promise<Record<string, unknown>[]> {
  return page.evaluate(
    ({ asset, message, until, document: doc }) =>
      new Promise<Record<string, unknown>[]>((resolve, reject) => {
        const w = new Worker(`assets/${asset}`, { type: 'module' });
        const got: Record<string, unknown>[] = [];
        w.onmessage = (e: MessageEvent) => {
          const d = e.data as Record<string, unknown>;
          if (d['type'] === 'error') reject(new Error(String(d['message'])));
          if (d['type'] !== 'epoch' && d['type'] !== 'probed') return;
          // Milliseconds since the page's navigation began, for the launch rows' time to epoch 1.
          got.push({ ...d, pageMs: performance.now() });
          if (until === 'probed' || got.length >= 2) {
            w.terminate();
            resolve(got);
          }
        };
        w.postMessage({
          ...message,
          document: doc,
          dataset: { kind: 'mnist', packedUrl: new URL('mnist-digits.bin', document.baseURI).href },
        });
      }),
    { asset: workerAsset(dist), message, until, document: lenet5() },
  );
}

const lenetRun = {
  batchSize: 64,
  seed: 0,
  optimizer: { name: 'adam', lr: 0.001 },
  backend: 'wasm',
  threads: 1,
};

/** The worker's own probe loop after a 15 s warm-up: Chromium's speed on the step, no app around it. */
async function workerAlone(dist: string): Promise<number> {
  const server = await serveStatic(dist, 0);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: launchArgs,
  });
  try {
    const page = await browser.newPage();
    await page.goto(server.url);
    const [r] = await inWorker(
      page,
      dist,
      { type: 'probe', ...lenetRun, warmupMs: 15_000, measureMs: 5_000 },
      'probed',
    );
    return Number(r!['msPerStep']);
  } finally {
    await browser.close();
    await server.close();
  }
}

interface LaunchRun {
  /** ms/step of each epoch. */
  readonly epochMs: number[];
  /** Seconds from the page's navigation to the first epoch's report. */
  readonly firstEpochS: number;
  /** Bytes of compiled WASM V8 handed Chromium to cache in this launch (trace: v8.wasm.cachedModule). */
  readonly cachedBytes: number;
  /** Bytes of compiled WASM this launch took from the cache (trace: v8.wasm.moduleCacheHit). */
  readonly hitBytes: number;
}

/** Blink's instant events for the WASM code cache (third_party/blink/.../v8_wasm_response_extensions.cc). */
function wasmCacheEvents(trace: Buffer): { cachedBytes: number; hitBytes: number } {
  const events = (
    JSON.parse(trace.toString()) as { traceEvents: { name: string; args?: Record<string, unknown> }[] }
  ).traceEvents;
  const sum = (name: string, arg: string): number =>
    events.filter((e) => e.name === name).reduce((t, e) => t + Number(e.args?.[arg] ?? 0), 0);
  return {
    cachedBytes: sum('v8.wasm.cachedModule', 'producedCacheSize'),
    hitBytes: sum('v8.wasm.moduleCacheHit', 'consumedCacheSize'),
  };
}

/**
 * Two epochs in the worker alone on a launch of the browser profile in `profile`, served from
 * `url` (one server for all launches of a profile: the cache is per origin, and a new port is a
 * new origin).
 */
async function launchOnce(dist: string, url: string, profile: string): Promise<LaunchRun> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: launchArgs,
  });
  try {
    const page = await context.newPage();
    const browser = context.browser()!;
    await browser.startTracing(page, { categories: ['disabled-by-default-devtools.timeline'] });
    await page.goto(url);
    const got = await inWorker(
      page,
      dist,
      { type: 'start', ...lenetRun, epochs: 2, stepEvery: 1000 },
      'epochs',
    );
    // V8 hands over the tiered-up code 2 s after a chunk of it is ready (--wasm-caching-timeout-ms);
    // leave it time before closing.
    await page.waitForTimeout(3000);
    return {
      epochMs: got.map((e) => 1000 / Number((e['report'] as { stepsPerSecond: number }).stepsPerSecond)),
      firstEpochS: Number(got[0]!['pageMs']) / 1000,
      ...wasmCacheEvents(await browser.stopTracing()),
    };
  } finally {
    await context.close();
  }
}

const torchLenetAdam = (steps: number): string => `
import torch, time
torch.set_num_threads(1)
nn = torch.nn
m = nn.Sequential(nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(),
    nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
opt = torch.optim.Adam(m.parameters(), lr=0.001)
x = torch.rand(64, 1, 28, 28); y = torch.randint(0, 10, (64,))
ts = []
for i in range(${steps + 20}):
    t = time.perf_counter()
    opt.zero_grad(); nn.functional.cross_entropy(m(x), y).backward(); opt.step()
    ts.append((time.perf_counter() - t) * 1000)
print(sorted(ts[20:])[len(ts[20:]) // 2])
`;

const spread = (xs: readonly number[], digits = 2): string =>
  xs.length === 0
    ? '–'
    : `${Math.min(...xs).toFixed(digits)} / ${median(xs).toFixed(digits)} / ${Math.max(...xs).toFixed(digits)}`;

export async function run(): Promise<void> {
  const builds: { name: string; dist: string }[] = [];
  const ref = process.env['NETLOOM_BENCH_BASELINE'];
  if (ref) builds.push({ name: `app at ${ref}`, dist: baseline(ref) });
  builds.push({ name: 'app (this checkout)', dist: build(root) });

  const app = new Map<string, AppRun[]>(builds.map((b) => [b.name, []]));
  const wasm: number[] = [];
  const alone: number[] = [];
  // The launches of one profile; NETLOOM_BENCH_SIDES=launch runs only these.
  const launchOnly = process.env['NETLOOM_BENCH_SIDES'] === 'launch';
  const cold: LaunchRun[] = [];
  const warm: LaunchRun[] = [];
  const uncached: LaunchRun[] = [];
  const native: number[] = [];
  const torch: number[] = [];
  // Blocks in rounds, each side once per round, so a slower stretch of a shared machine falls on all.
  for (let r = 0; r < rounds; r++) {
    {
      const dist = builds.at(-1)!.dist;
      const profile = mkdtempSync(join(tmpdir(), 'netloom-profile-'));
      const server = await serveStatic(dist, 0);
      // Warm with the WASM code cache removed: the same profile, HTTP cache and JS code cache, so
      // the difference from `warm` is the compiled WASM alone. The two warm sides swap order each
      // round (each launch writes the cache again for the next).
      const withoutWasmCache = async (): Promise<LaunchRun> => {
        rmSync(join(profile, 'Default/Code Cache/wasm'), { recursive: true, force: true });
        return launchOnce(dist, server.url, profile);
      };
      try {
        cold.push(await launchOnce(dist, server.url, profile));
        if (r % 2 === 0) {
          warm.push(await launchOnce(dist, server.url, profile));
          uncached.push(await withoutWasmCache());
        } else {
          uncached.push(await withoutWasmCache());
          warm.push(await launchOnce(dist, server.url, profile));
        }
      } finally {
        await server.close();
        rmSync(profile, { recursive: true, force: true });
      }
    }
    if (launchOnly) continue;
    for (const b of builds) app.get(b.name)!.push(await trainInApp(b.dist));
    alone.push(await workerAlone(builds.at(-1)!.dist));
    wasm.push(median(stepTimesIn('web', 'lenet5-template', 'adam', 1, 150).ms));
    native.push(median(stepTimesIn('node', 'lenet5-template', 'adam', 1, 150, 'cpu').ms));
    const t = torchPeer(torchLenetAdam(150));
    if (t) torch.push(Number(t.trim()));
  }

  const perRound = (f: (k: number) => number | undefined): number[] =>
    Array.from({ length: rounds }, (_, k) => f(k)).filter(
      (v): v is number => v !== undefined && Number.isFinite(v),
    );
  console.log(
    `LeNet-5 template, MNIST, batch 64, Adam; the worker alone in Chromium, 2 epochs per launch, one profile and one server launched three times; ${rounds} rounds; min / median / max over rounds`,
  );
  const mb = (b: number): string => (b / 1e6).toFixed(1);
  const launchRows: string[][] = [
    ['launch', 'epoch 1 ms/step', 'epoch 2 ms/step', 'page → epoch 1 s', 'WASM code cache MB read / written'],
  ];
  for (const [name, runs] of [
    ['cold (new profile)', cold],
    ['warm (same profile)', warm],
    ['warm, its WASM code cache removed', uncached],
  ] as const) {
    launchRows.push([
      name,
      spread(runs.map((e) => e.epochMs[0]!)),
      spread(runs.map((e) => e.epochMs[1]!)),
      spread(
        runs.map((e) => e.firstEpochS),
        1,
      ),
      runs.map((e) => `${mb(e.hitBytes)} / ${mb(e.cachedBytes)}`).join(', '),
    ]);
  }
  table(launchRows);
  console.log('');
  const launchRatios: string[][] = [['ratio (per round, min / median / max)', 'value']];
  for (const [name, a, b] of [
    ['warm without / with the WASM code cache', uncached, warm],
    ['cold / warm', cold, warm],
  ] as const) {
    launchRatios.push([
      `${name}, epoch 1 ms/step`,
      spread(perRound((k) => a[k]!.epochMs[0]! / b[k]!.epochMs[0]!)),
    ]);
    launchRatios.push([
      `${name}, page → epoch 1`,
      spread(perRound((k) => a[k]!.firstEpochS / b[k]!.firstEpochS)),
    ]);
  }
  for (const [name, runs] of [
    ['cold', cold],
    ['warm', warm],
    ['warm without the WASM code cache', uncached],
  ] as const)
    launchRatios.push([
      `${name}: epoch 1 / epoch 2 ms/step`,
      spread(perRound((k) => runs[k]!.epochMs[0]! / runs[k]!.epochMs[1]!)),
    ]);
  table(launchRatios);
  if (launchOnly) return;
  console.log('');
  console.log(`LeNet-5 template, MNIST, batch 64, Adam; ${rounds} rounds; min / median / max over rounds`);
  const rows: string[][] = [
    ['side', 'epoch 1 ms/step', `epochs 2–${epochs} ms/step`, 'start→done s', 'backend'],
  ];
  for (const b of builds) {
    const runs = app.get(b.name)!;
    rows.push([
      `${b.name}, Chromium worker`,
      spread(runs.map((x) => x.epochMs[0]!)),
      spread(runs.map((x) => median(x.epochMs.slice(1)))),
      spread(
        runs.map((x) => x.wallS),
        1,
      ),
      runs.at(-1)!.backend,
    ]);
  }
  rows.push(['Chromium, the worker alone (probe loop), 1 thread', '', spread(alone), '', 'wasm · 1 thread']);
  rows.push(['Node, onnxruntime-web WASM, 1 thread', '', spread(wasm), '', 'wasm']);
  rows.push(['Node, onnxruntime-node CPU, 1 thread', '', spread(native), '', 'cpu']);
  rows.push(['PyTorch CPU 1.13, 1 thread', '', spread(torch), '', '']);
  table(rows);

  for (const b of builds)
    app
      .get(b.name)!
      .forEach((x, k) =>
        console.log(
          `${b.name}, round ${k + 1}: ${x.backend}: ${x.why}; main thread busy ${x.mainBusyS.toFixed(1)} s of ${x.wallS.toFixed(1)} s`,
        ),
      );
  console.log('');
  const ratios: string[][] = [['ratio (per round, min / median / max)', 'value', 'target']];
  for (const b of builds) {
    const runs = app.get(b.name)!;
    const steady = (k: number) => median(runs[k]!.epochMs.slice(1));
    ratios.push([
      `${b.name}: epoch 1 / steady`,
      spread(perRound((k) => runs[k]!.epochMs[0]! / steady(k))),
      '≤ 1.3×',
    ]);
    ratios.push([`${b.name}: steady / Node WASM`, spread(perRound((k) => steady(k) / wasm[k]!)), '≤ 1.3×']);
  }
  if (builds.length === 2) {
    const [before, after] = builds.map((b) => app.get(b.name)!);
    ratios.push([
      'before / after, epoch 1 ms/step',
      spread(perRound((k) => before![k]!.epochMs[0]! / after![k]!.epochMs[0]!)),
      '',
    ]);
    ratios.push([
      'before / after, start→done',
      spread(perRound((k) => before![k]!.wallS / after![k]!.wallS)),
      '',
    ]);
  }
  ratios.push([
    'worker alone / Node WASM (Chromium vs Node, same step)',
    spread(perRound((k) => alone[k]! / wasm[k]!)),
    '',
  ]);
  ratios.push(['Node native / PyTorch CPU', spread(perRound((k) => native[k]! / torch[k]!)), '≤ 1.0×']);
  ratios.push(['Node WASM / PyTorch CPU', spread(perRound((k) => wasm[k]! / torch[k]!)), '']);
  table(ratios);
}
