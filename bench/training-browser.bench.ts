// The app's own training speed: the real Train tab in Debian's Chromium (playwright-core), LeNet-5
// on MNIST for three epochs as a person starts it (backend chosen automatically), next to the same
// step graph in Node — onnxruntime-web's WASM and onnxruntime-node's native CPU, each in its own
// process — and PyTorch CPU, all in this run. The worker's epoch reports are read from its
// messages (a wrapper around Worker set before the page loads), so no UI text is parsed.
//
// NETLOOM_BENCH_BASELINE=<git ref> also builds the renderer at that commit (git archive into a
// temporary folder, this checkout's node_modules) and times it in the same rounds, alternating;
// a folder holding such a checkout may be given instead of a ref.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
    const got = (await page.evaluate(
      () => (window as unknown as { __epochs: unknown[] }).__epochs,
    )) as EpochMsg[];
    const backend = (await page.getByTestId('train-backend').textContent()) ?? '';
    return { epochMs: got.slice(0, epochs).map((e) => 1000 / e.stepsPerSecond), wallS, backend };
  } finally {
    await browser.close();
    await server.close();
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
  const native: number[] = [];
  const torch: number[] = [];
  // Blocks in rounds, each side once per round, so a slower stretch of a shared machine falls on all.
  for (let r = 0; r < rounds; r++) {
    for (const b of builds) app.get(b.name)!.push(await trainInApp(b.dist));
    wasm.push(median(stepTimesIn('web', 'lenet5-template', 'adam', 1, 150).ms));
    native.push(median(stepTimesIn('node', 'lenet5-template', 'adam', 1, 150).ms));
    const t = torchPeer(torchLenetAdam(150));
    if (t) torch.push(Number(t.trim()));
  }

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
  rows.push(['Node, onnxruntime-web WASM, 1 thread', '', spread(wasm), '', 'wasm']);
  rows.push(['Node, onnxruntime-node CPU, 1 thread', '', spread(native), '', 'cpu']);
  rows.push(['PyTorch CPU 1.13, 1 thread', '', spread(torch), '', '']);
  table(rows);

  console.log('');
  const ratios: string[][] = [['ratio (per round, min / median / max)', 'value', 'target']];
  const perRound = (f: (k: number) => number | undefined): number[] =>
    Array.from({ length: rounds }, (_, k) => f(k)).filter(
      (v): v is number => v !== undefined && Number.isFinite(v),
    );
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
  ratios.push(['Node native / PyTorch CPU', spread(perRound((k) => native[k]! / torch[k]!)), '≤ 1.0×']);
  ratios.push(['Node WASM / PyTorch CPU', spread(perRound((k) => wasm[k]! / torch[k]!)), '']);
  table(ratios);
}
