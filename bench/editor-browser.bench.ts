// The editor where users meet it: the built app in Chromium (playwright-core, 1440×900), opening
// generated residual-MLP projects of 500, 2,000 and 5,000 layers through Open… — as one long column
// and as a grid with every node on screen — and a 5,000-node ONNX file. For each: how long until the
// graph is painted and the page is idle, the longest task (PerformanceObserver 'longtask'), how long
// selecting a layer takes, how long an edit in the inspector (a Dense's units) takes until its
// totals are painted (the first edit after opening, and the edits after it, apart; beside them the
// edit's own task, its input event's script, apart from the frame), and frames per
// second while panning and zooming. Beside them, the same
// graph's Node-side figures: a full lowering and one edit as the editor computes it.
//
//   npm run bench -- editor-browser                       all of it (about 10 minutes on 2 busy cores)
//   NETLOOM_BENCH_GRAPHS=chain-500,grid-2000 npm run bench -- editor-browser   some rows only
//   NETLOOM_BENCH_DIST=/path/to/built/renderer   measure another build instead of this one
//   NETLOOM_BENCH_PEER=<git ref or built renderer folder>   measure that build too, in the same
//     run and browser, and print this build's ratios against it (e.g. the commit before the
//     editor's incremental work: NETLOOM_BENCH_PEER=e1161b4)
//   NETLOOM_BENCH_ROUNDS=3   measure each graph that many times (this build and the peer taking
//     turns to go first) and report the median of the rounds
//   NETLOOM_BENCH_DIALOG_MS=2000   the Open dialog stays that long before the file is chosen, as a
//     person's would (by default the file is chosen at once)
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { NetloomDocument } from '../src/document/schema.ts';
import { lowerDocument } from '../src/compile/lower.ts';
import { setParam } from '../src/document/edits.ts';
import { exportDocument } from '../src/onnx/from-document.ts';
import { importOnnx } from '../src/onnx/import.ts';
import { importedToDocument } from '../src/onnx/to-document.ts';
import { serveStatic } from '../scripts/serve-static.mjs';
import { findChromium } from '../scripts/references.mjs';
import { buildIfStale, root } from '../test/e2e/app.ts';
import type { Arrangement } from './graphs.ts';
import { residualMlp } from './graphs.ts';
import { editorEditMs } from './editor-work.ts';
import { layoutImported } from '../renderer/lib/layout-client.ts';
import { median, medianMs, table } from './stats.ts';

interface Scenario {
  readonly key: string;
  readonly label: string;
  readonly layers: number;
  readonly arrangement: Arrangement;
  readonly onnx?: boolean;
}

const scenarios: readonly Scenario[] = [
  { key: 'chain-500', label: '500-layer chain', layers: 500, arrangement: 'chain' },
  { key: 'chain-2000', label: '2,000-layer chain', layers: 2000, arrangement: 'chain' },
  { key: 'chain-5000', label: '5,000-layer chain', layers: 5000, arrangement: 'chain' },
  { key: 'onnx-5000', label: '5,000-node ONNX', layers: 5000, arrangement: 'chain', onnx: true },
  { key: 'grid-500', label: '500 layers, all on screen', layers: 500, arrangement: 'grid' },
  { key: 'grid-2000', label: '2,000 layers, all on screen', layers: 2000, arrangement: 'grid' },
  { key: 'grid-5000', label: '5,000 layers, all on screen', layers: 5000, arrangement: 'grid' },
];

/** The page-side probes (bench/page-probes.js) as typed calls. */
interface Probes {
  openTimes(
    t0: number,
    expected: string,
  ): Promise<{ shown: number; totals: number; idle: number; longest: number }>;
  nearestOnScreen(
    candidates: readonly { id: string; x: number; y: number }[],
  ): { id: string; x: number; y: number } | undefined;
  selectTime(title: string): Promise<number>;
  editTime(field: string, value: string, expected: string): Promise<number>;
  editTaskMs(): number;
  paintFloor(): Promise<number>;
  gestureFps(kind: 'pan' | 'zoom', ms?: number): Promise<{ fps: number; worstFrame: number; moved: boolean }>;
  longestSince(t: number): number;
  elementCount(): number;
}

type ProbeName = keyof Probes;

/** Calls a probe in the page by name (the probes live on window.__probes). */
async function probe<K extends ProbeName>(
  page: Page,
  name: K,
  ...args: Parameters<Probes[K]>
): Promise<Awaited<ReturnType<Probes[K]>>> {
  return page.evaluate(
    ([n, a]) => {
      const p = (window as unknown as { __probes: Record<string, (...x: unknown[]) => unknown> }).__probes;
      return p[n as string]!(...(a as unknown[]));
    },
    [name, args] as const,
  ) as Promise<Awaited<ReturnType<Probes[K]>>>;
}

function paramsText(doc: NetloomDocument): string {
  return `${lowerDocument(doc).totals.params.toLocaleString('en-US')} params`;
}

/**
 * Dense layers whose output feeds a ReLU (an edit of their units changes shapes one layer down
 * only), each with a point on its title bar, in canvas coordinates, to click.
 */
function editableDense(doc: NetloomDocument): { id: string; x: number; y: number }[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  const out: { id: string; x: number; y: number }[] = [];
  for (const e of doc.edges) {
    const src = byId.get(e.source.node);
    if (src?.kind === 'Dense' && byId.get(e.target.node)?.kind === 'ReLU')
      out.push({ id: src.id, x: src.position.x + 100, y: src.position.y + 20 });
  }
  return out;
}

interface Row {
  readonly scenario: Scenario;
  readonly nodes: number;
  readonly open: { shown: number; totals: number; idle: number; longest: number };
  readonly selectMs: number;
  readonly editMs: number[];
  /** Of each edit, its input event's task (script: lowering, React's render and commit). */
  readonly editTaskMs: number[];
  /** A bare text change → painted (the floor under an edit's time), median of five. */
  readonly floorMs: number;
  readonly pan: { fps: number; worstFrame: number; moved: boolean };
  readonly zoom: { fps: number; worstFrame: number; moved: boolean };
  readonly longestMs: number;
  readonly elements: number;
  readonly nodeLowerMs: number;
  readonly nodeEditMs: number;
  readonly load: string;
}

async function measure(browser: Browser, url: string, dir: string, s: Scenario, edits: number): Promise<Row> {
  const load = loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  let doc = residualMlp(s.layers, s.arrangement);
  let file = join(dir, `${s.key}.json`);
  if (s.onnx) {
    const bytes = exportDocument(doc, { seed: 0 }).bytes;
    file = join(dir, `${s.key}.onnx`);
    writeFileSync(file, bytes);
    // Where the app puts the imported layers: its own layout of the imported document.
    const imported = importedToDocument(importOnnx(bytes, { path: file }), file).doc;
    const at = await layoutImported(imported);
    doc = { ...imported, nodes: imported.nodes.map((n) => ({ ...n, position: at.get(n.id) ?? n.position })) };
  } else writeFileSync(file, JSON.stringify(doc));
  const nodeLowerMs = await medianMs(() => lowerDocument(doc), 3);
  const dense = editableDense(doc);

  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    await context.addInitScript({ path: join(import.meta.dirname, 'page-probes.js') });
    // Past the first launch's Templates gallery (it would cover Open…), as test/e2e/app.ts does.
    await context.addInitScript(() => localStorage.setItem('netloom.started', '1'));
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(url);
    await page.getByTestId('palette').waitFor();
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByTestId('open-file').click(),
    ]);
    await page.waitForTimeout(Number(process.env.NETLOOM_BENCH_DIALOG_MS ?? 0));
    const t0 = await page.evaluate(() => performance.now());
    await chooser.setFiles(file);
    const open = await probe(page, 'openTimes', t0, paramsText(doc));
    const elements = await probe(page, 'elementCount');

    const target = await probe(page, 'nearestOnScreen', dense);
    if (!target) throw new Error(`${s.label}: no editable Dense on screen`);
    const id = target.id;
    await page.mouse.click(target.x, target.y);
    const selectMs = await probe(page, 'selectTime', 'Dense (Linear)');

    const editMs: number[] = [];
    const editTaskMs: number[] = [];
    let edited = doc;
    for (const units of [65, 66, 67, 68, 69].slice(0, edits)) {
      edited = setParam(edited, id, 'units', units);
      editMs.push(await probe(page, 'editTime', 'units', String(units), paramsText(edited)));
      editTaskMs.push(await probe(page, 'editTaskMs'));
      await page.waitForTimeout(600);
    }
    const nodeEditMs = await editorEditMs(doc, id);
    const floors: number[] = [];
    for (let k = 0; k < 5; k++) {
      floors.push(await probe(page, 'paintFloor'));
      await page.waitForTimeout(100);
    }
    const floorMs = median(floors);

    const pan = await probe(page, 'gestureFps', 'pan');
    const zoom = await probe(page, 'gestureFps', 'zoom');
    const longestMs = await probe(page, 'longestSince', t0);
    return {
      scenario: s,
      nodes: doc.nodes.length,
      open,
      selectMs,
      editMs,
      editTaskMs,
      floorMs,
      pan,
      zoom,
      longestMs,
      elements,
      nodeLowerMs,
      nodeEditMs,
      load,
    };
  } finally {
    await context.close();
  }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/**
 * The edits after the first: the first edit after opening meets code and caches not yet warm, so
 * it is its own column; these are what typing costs from then on.
 */
const steady = (r: Row): number[] => (r.editMs.length > 1 ? r.editMs.slice(1) : r.editMs);
const steadyTask = (r: Row): number[] => (r.editTaskMs.length > 1 ? r.editTaskMs.slice(1) : r.editTaskMs);

/**
 * The renderer built from `peer`: a folder that holds a built renderer, or a git ref whose tree is
 * exported to a temporary folder and built there with this checkout's node_modules.
 */
function peerDist(peer: string, scratch: string): string {
  if (existsSync(join(peer, 'index.html'))) return peer;
  const tree = join(scratch, 'peer');
  execFileSync('sh', ['-c', `mkdir -p "${tree}" && git archive "${peer}" | tar -x -C "${tree}"`], {
    cwd: root,
    stdio: 'inherit',
  });
  symlinkSync(join(root, 'node_modules'), join(tree, 'node_modules'));
  execFileSync(
    process.execPath,
    [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
    { cwd: tree, stdio: 'inherit' },
  );
  return join(tree, 'dist/renderer');
}

function rowsTable(rows: readonly Row[]): void {
  table([
    [
      'graph',
      'nodes',
      'open → graph',
      'open → idle',
      'select',
      'first edit → painted',
      'edits after → painted (median, max)',
      "edit's task: first, after (median)",
      'bare paint',
      'pan fps',
      'zoom fps',
      'longest task',
      'longest while opening',
      'DOM elements',
      'Node: lower',
      'Node: edit',
      'load avg',
    ],
    ...rows.map((r) => [
      r.scenario.label,
      String(r.nodes),
      secs(r.open.shown),
      secs(r.open.idle),
      `${r.selectMs.toFixed(0)} ms`,
      `${r.editMs[0]!.toFixed(0)} ms`,
      `${median(steady(r)).toFixed(0)}, ${Math.max(...steady(r)).toFixed(0)} ms`,
      `${r.editTaskMs[0]!.toFixed(1)}, ${median(steadyTask(r)).toFixed(1)} ms`,
      `${r.floorMs.toFixed(0)} ms`,
      r.pan.moved ? r.pan.fps.toFixed(1) : 'no pan',
      r.zoom.moved ? r.zoom.fps.toFixed(1) : 'no zoom',
      secs(r.longestMs),
      secs(r.open.longest),
      r.elements.toLocaleString('en-US'),
      `${r.nodeLowerMs.toFixed(0)} ms`,
      `${r.nodeEditMs.toFixed(1)} ms`,
      r.load,
    ]),
  ]);
}

/**
 * One row of several rounds of a graph: the median of each figure over the rounds (the first edit
 * the median of the rounds' first edits; the edits after it all of theirs).
 */
function combine(rounds: readonly Row[]): Row {
  if (rounds.length === 1) return rounds[0]!;
  const m = (f: (r: Row) => number) => median(rounds.map(f));
  const gesture = (f: (r: Row) => Row['pan']) => ({
    fps: m((r) => f(r).fps),
    worstFrame: m((r) => f(r).worstFrame),
    moved: rounds.every((r) => f(r).moved),
  });
  return {
    ...rounds[0]!,
    open: {
      shown: m((r) => r.open.shown),
      totals: m((r) => r.open.totals),
      idle: m((r) => r.open.idle),
      longest: m((r) => r.open.longest),
    },
    selectMs: m((r) => r.selectMs),
    editMs: [m((r) => r.editMs[0]!), ...rounds.flatMap(steady)],
    editTaskMs: [m((r) => r.editTaskMs[0]!), ...rounds.flatMap(steadyTask)],
    floorMs: m((r) => r.floorMs),
    pan: gesture((r) => r.pan),
    zoom: gesture((r) => r.zoom),
    longestMs: m((r) => r.longestMs),
    nodeLowerMs: m((r) => r.nodeLowerMs),
    nodeEditMs: m((r) => r.nodeEditMs),
    load: rounds.map((r) => r.load.split(' ')[0]).join('/'),
  };
}

/** This build against the peer: how many times faster (times) or smoother (fps), per graph. */
function ratioTable(ours: readonly Row[], peers: readonly Row[]): void {
  const x = (peer: number, mine: number) => `${(peer / Math.max(mine, 1e-9)).toFixed(1)}×`;
  table([
    [
      'graph',
      'open → idle',
      'select',
      'first edit',
      'edits after',
      "edits' tasks after",
      'pan fps',
      'zoom fps',
      'longest task',
      'DOM elements',
    ],
    ...ours.map((r, i) => {
      const p = peers[i]!;
      return [
        r.scenario.label,
        x(p.open.idle, r.open.idle),
        x(p.selectMs, r.selectMs),
        x(p.editMs[0]!, r.editMs[0]!),
        x(median(steady(p)), median(steady(r))),
        x(median(steadyTask(p)), median(steadyTask(r))),
        x(r.pan.fps, p.pan.fps),
        x(r.zoom.fps, p.zoom.fps),
        x(p.longestMs, r.longestMs),
        x(p.elements, r.elements),
      ];
    }),
  ]);
}

export async function run(): Promise<void> {
  const chromium = findChromium();
  if (!chromium.path) {
    console.log(`(browser bench not run: ${chromium.problem})`);
    return;
  }
  const only = process.env.NETLOOM_BENCH_GRAPHS?.split(',').map((x) => x.trim());
  const chosen = scenarios.filter((s) => !only || only.includes(s.key));
  const dist = process.env.NETLOOM_BENCH_DIST;
  const peer = process.env.NETLOOM_BENCH_PEER;
  if (!dist) buildIfStale();
  const dir = mkdtempSync(join(tmpdir(), 'netloom-bench-'));
  const peerAt = peer ? peerDist(peer, dir) : undefined;
  const server = await serveStatic(dist ?? join(root, 'dist/renderer'), 0);
  const peerServer = peerAt ? await serveStatic(peerAt, 0) : undefined;
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({
    executablePath: chromium.path,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  const rows: Row[] = [];
  const peerRows: Row[] = [];
  const rounds = Math.max(1, Number(process.env.NETLOOM_BENCH_ROUNDS ?? 1));
  try {
    for (const s of chosen) {
      // A graph that fails (a probe timed out) is reported and the others still run.
      try {
        const mine: Row[] = [];
        const theirs: Row[] = [];
        const ours = async () => {
          const r = await measure(browser, server.url, dir, s, 5);
          console.log(`  measured ${s.label} (load average ${r.load})`);
          rowsTable([r]);
          mine.push(r);
        };
        const peers = async () => {
          if (!peerServer) return;
          // The peer's edits can take a minute each at 5,000 layers: two of them (the first, and
          // one after it).
          const p = await measure(browser, peerServer.url, dir, s, 2);
          console.log(`  measured ${s.label} on ${peer} (load average ${p.load})`);
          rowsTable([p]);
          theirs.push(p);
        };
        // Rounds alternate which build goes first: the first page of a graph meets a colder browser.
        for (let k = 0; k < rounds; k++) {
          if (k % 2 === 0) {
            await ours();
            await peers();
          } else {
            await peers();
            await ours();
          }
        }
        rows.push(combine(mine));
        if (peerServer) peerRows.push(combine(theirs));
      } catch (e) {
        console.log(`  ${s.label} FAILED: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
    await peerServer?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    `Chromium ${browser.version()} (${chromium.from}), 1440×900, headless; edit = a Dense's units` +
      (dist ? `; build ${dist}` : "; this checkout's build"),
  );
  rowsTable(rows);
  if (peer) {
    console.log(`\nThe peer, ${peer}, in the same run and browser:`);
    rowsTable(peerRows);
    console.log(`\nThis build against ${peer} (× faster; for fps, × more frames):`);
    ratioTable(rows, peerRows);
  }
}
