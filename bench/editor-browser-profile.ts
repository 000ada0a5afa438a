// Where the time goes when a big graph opens, or when a layer is selected and edited: the app in
// Chromium opens a generated project or ONNX file (the browser bench's graphs) under the V8
// sampling profiler (CDP), and prints every stretch of main-thread work longer than 100 ms with
// the functions that took its time (self and total). `edit:<graph>` profiles instead a click on a
// Dense, two edits of its units (every stretch over 5 ms), then a pan and a zoom (over 50 ms).
// Build the renderer without minifying first, so names read as in the source:
//
//   npx vite build --minify false --outDir /tmp/netloom-profile-dist
//   NETLOOM_BENCH_DIST=/tmp/netloom-profile-dist npx tsx bench/editor-browser-profile.ts chain-5000 onnx-5000
//   NETLOOM_BENCH_DIST=/tmp/netloom-profile-dist npx tsx bench/editor-browser-profile.ts edit:chain-5000
//   NETLOOM_PROFILE_MIN_MS=15 ...   print the open's stretches from 15 ms (100 by default)
//   NETLOOM_PROFILE_TASKS=1 ...   print instead each long task of the open (with edit:, of the pan
//     and the zoom) over 100 ms (PerformanceObserver) with the functions that ran in it
//   NETLOOM_PROFILE_ZOOM_EVENTS=120 ...   edit:'s zoom is that many wheel events (30 in, 30 out),
//     however slow the frames, and says where the view crossed the overview's threshold (with the
//     React Flow nodes and wires in the page and the zoom at that frame); each
//     gesture lists its long tasks (PerformanceObserver), and each crossing the longest task from
//     the frame before it to 1 s after (the crossing's own task and the unmounting or mounting after)
//   NETLOOM_PROFILE_SAVE=/tmp/profiles ...   also write each profile there (open it in Chromium's
//     DevTools, Performance tab, or read it with bench/profile-tree.ts)
//   NETLOOM_PROFILE_TRACE=1 ...   edit:'s edits are traced (Chromium's timeline) rather than
//     profiled: time in the renderer's main thread by event (script, style, layout, paint)
//   NETLOOM_PROFILE_EDITS=5 ...   edit:'s number of edits (2 by default: the first after opening,
//     then a steady one)
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveStatic } from '../scripts/serve-static.mjs';
import { findChromium } from '../scripts/references.mjs';
import { buildIfStale, root } from '../test/e2e/app.ts';
import { exportDocument } from '../src/onnx/from-document.ts';
import { lowerDocument } from '../src/compile/lower.ts';
import { setParam } from '../src/document/edits.ts';
import type { NetloomDocument } from '../src/document/schema.ts';
import type { Profile } from './cpu-profile.ts';
import { frameName } from './cpu-profile.ts';
import { residualMlp } from './graphs.ts';
import type { Browser, CDPSession, Page } from 'playwright-core';

/** The heaviest functions, self and total, of the samples from `i` to `j`. */
function heaviest(p: Profile, times: readonly number[], i: number, j: number): string {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  for (let k = i; k <= j; k++) {
    const dt = ((times[k + 1] ?? times[k]!) - times[k]!) / 1000;
    const leaf = byId.get(p.samples[k]!)!;
    self.set(frameName(leaf), (self.get(frameName(leaf)) ?? 0) + dt);
    const seen = new Set<string>();
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const name = frameName(byId.get(id)!);
      if (seen.has(name)) continue;
      seen.add(name);
      total.set(name, (total.get(name) ?? 0) + dt);
    }
  }
  const top = (m: Map<string, number>, k: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, k)
      .map(([n, v]) => `      ${v.toFixed(0).padStart(5)} ms  ${n}`)
      .join('\n');
  return `    self:\n${top(self, 8)}\n    total:\n${top(total, 25)}`;
}

/**
 * Each long task (page time, as the PerformanceObserver saw it) with the functions its samples ran.
 * The profile's clock is another's: the two are lined up at the first sample of
 * `netloomProfileMark`, which began at page time `pageAtMark`.
 */
function taskProfiles(
  p: Profile,
  pageAtMark: number,
  tasks: readonly { start: number; duration: number }[],
  t0: number,
): string[] {
  const times: number[] = [];
  let t = p.startTime;
  for (const d of p.timeDeltas) times.push((t += d));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inMark = (id: number | undefined): boolean =>
    id !== undefined &&
    (byId.get(id)?.callFrame.functionName === 'netloomProfileMark' || inMark(parent.get(id)));
  const mark = p.samples.findIndex(inMark);
  if (mark < 0) return ['  (the profile has no mark: tasks cannot be lined up)'];
  const pageMs = (k: number) => (times[k]! - times[mark]!) / 1000 + pageAtMark;
  return tasks.map((task) => {
    let i = 0;
    while (i < times.length && pageMs(i) < task.start) i++;
    let j = i;
    while (j + 1 < times.length && pageMs(j + 1) <= task.start + task.duration) j++;
    return (
      `  task ${task.duration.toFixed(0)} ms at +${(task.start - t0).toFixed(0)} ms\n` +
      heaviest(p, times, i, j)
    );
  });
}

/** Busy stretches (no idle sample for longer than `minMs`) with their heaviest functions. */
function stretches(p: Profile, minMs: number): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const times: number[] = [];
  let t = p.startTime;
  for (const d of p.timeDeltas) times.push((t += d));
  const out: string[] = [];
  let i = 0;
  while (i < p.samples.length) {
    const idle = (k: number) => byId.get(p.samples[k]!)!.callFrame.functionName === '(idle)';
    if (idle(i)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < p.samples.length && !idle(j + 1)) j++;
    const ms = (times[j]! - times[i]!) / 1000;
    if (ms >= minMs)
      out.push(
        `  busy ${ms.toFixed(0)} ms at +${((times[i]! - p.startTime) / 1000).toFixed(0)} ms\n` +
          heaviest(p, times, i, j),
      );
    i = j + 1;
  }
  return out;
}

interface TraceEvent {
  readonly name: string;
  readonly ph: string;
  readonly pid: number;
  readonly tid: number;
  readonly dur?: number;
  readonly args?: { readonly name?: string };
}

/**
 * The renderer main thread's time in a Chromium trace by event name (nested events count in their
 * own line and in their parent's), longest first.
 */
function traceSummary(json: string): string {
  const events = (JSON.parse(json) as { traceEvents: TraceEvent[] }).traceEvents;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const by = new Map<string, { ms: number; n: number }>();
  for (const e of events) {
    if (!main || e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || e.dur === undefined) continue;
    const x = by.get(e.name) ?? { ms: 0, n: 0 };
    x.ms += e.dur / 1000;
    x.n++;
    by.set(e.name, x);
  }
  return [...by]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, 16)
    .map(([name, x]) => `    ${x.ms.toFixed(1).padStart(7)} ms ${String(x.n).padStart(5)}×  ${name}`)
    .join('\n');
}

type Probe = (name: string, ...args: unknown[]) => Promise<unknown>;

/** A mark both clocks see: a function of its own name busy for 3 ms, at a page time it returns. */
let marks = 0;
/** (Each a new script: the same source run again did not show in a later profile, cached.) */
const markScript = () =>
  `(function netloomProfileMark() { const t = performance.now(); while (performance.now() - t < 3); return t; })() // ${++marks}`;

/** Writes a profile to NETLOOM_PROFILE_SAVE (when set) as `<label>-<what>.cpuprofile`. */
function save(p: Profile, label: string, what: string): void {
  const dir = process.env.NETLOOM_PROFILE_SAVE;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${label.replace(/[^\w-]+/g, '_')}-${what}.cpuprofile`), JSON.stringify(p));
}

/** Dense layers that feed a ReLU, each with a point on its title bar (as the browser bench picks). */
function editableDense(doc: NetloomDocument): { id: string; x: number; y: number }[] {
  const byId = new Map(doc.nodes.map((n) => [n.id, n]));
  return doc.edges
    .filter((e) => byId.get(e.source.node)?.kind === 'Dense' && byId.get(e.target.node)?.kind === 'ReLU')
    .map((e) => {
      const n = byId.get(e.source.node)!;
      return { id: n.id, x: n.position.x + 100, y: n.position.y + 20 };
    });
}

/**
 * A zoom of a fixed number of wheel events (one a frame, 30 in then 30 out, as gestureFps does), so
 * a busy machine zooms as far as a quiet one; says at which events the canvas changed its level of detail.
 */
const fixedZoom = `async (events) => {
  const pane = document.querySelector('.react-flow__pane');
  const r = pane.getBoundingClientRect();
  const lod = () => document.querySelector('.canvas')?.getAttribute('data-lod');
  const t0 = performance.now();
  const out = [];
  let was = lod();
  let frame = performance.now();
  window.__crossings = [];
  for (let k = 0; k < events; k++) {
    await new Promise((res) => requestAnimationFrame(res));
    const now = lod();
    const before = frame;
    frame = performance.now();
    if (now !== was) {
      window.__crossings.push({ to: now, from: before, at: frame });
      // What the crossing mounted: React Flow's nodes and wires in the page, and the zoom.
      const count = (sel) => document.querySelectorAll(sel).length;
      const zoom = /scale\\(([-\\d.e]+)\\)/.exec(document.querySelector(".react-flow__viewport").style.transform);
      out.push(k + ':' + now + '@' + (performance.now() - t0).toFixed(0) + ' nodes ' + count('.react-flow__node') +
        ' wires ' + count('.react-flow__edge') + ' zoom ' + Number(zoom?.[1]).toFixed(2));
    }
    was = now;
    const phase = Math.floor(k / 30) % 2 === 0 ? 1 : -1;
    pane.dispatchEvent(new WheelEvent('wheel', { bubbles: true, cancelable: true, view: window,
      clientX: r.left + r.width / 2, clientY: r.top + r.height / 2, deltaY: -60 * phase }));
  }
  return out;
}`;

/** The long tasks (PerformanceObserver) that started at or after `t`, as `start+ms` from `t`. */
async function longTasksSince(page: Page, t: number): Promise<string[]> {
  return page.evaluate(
    (t0) =>
      (
        window as unknown as { __probes: { longTasks: { start: number; duration: number }[] } }
      ).__probes.longTasks
        .filter((x) => x.start >= t0)
        .map((x) => `${(x.start - t0).toFixed(0)}+${x.duration.toFixed(0)}`),
    t,
  );
}

/**
 * Each crossing of the overview's threshold in the last fixed zoom: the longest task (PerformanceObserver)
 * from the frame before the crossing was seen to 1 s after (the crossing's own task, and what it
 * left for the tasks after it: unmounting, mounting in slices), with that stretch's long tasks.
 */
async function crossingTasks(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const w = window as unknown as {
      __crossings: { to: string; from: number; at: number }[];
      __probes: { longTasks: { start: number; duration: number }[] };
    };
    return w.__crossings.map((c) => {
      const near = w.__probes.longTasks.filter((x) => x.start + x.duration > c.from && x.start < c.at + 1000);
      const longest = Math.max(0, ...near.map((x) => x.duration));
      const list = near.map((x) => `${(x.start - c.at).toFixed(0)}+${x.duration.toFixed(0)}`).join(', ');
      return `into ${c.to}: longest task ${longest.toFixed(0)} ms (start-from-crossing+ms: ${list})`;
    });
  });
}

/** The page's long tasks of 100 ms or more that started at or after `since` (page time). */
function tasksOver100ms(page: Page, since: number): Promise<{ start: number; duration: number }[]> {
  return page.evaluate(
    (t) =>
      (
        window as unknown as { __probes: { longTasks: { start: number; duration: number }[] } }
      ).__probes.longTasks.filter((x) => x.start >= t && x.duration >= 100),
    since,
  );
}

/** After the open: a click on a Dense near the middle of the screen, then two edits, each profiled. */
async function profileEdit(
  browser: Browser,
  page: Page,
  cdp: CDPSession,
  probe: Probe,
  doc: NetloomDocument,
  label: string,
): Promise<void> {
  const target = (await probe('nearestOnScreen', editableDense(doc))) as
    { id: string; x: number; y: number } | undefined;
  if (!target) throw new Error('no editable Dense on screen');
  await page.waitForTimeout(1000);
  await cdp.send('Profiler.start');
  await page.mouse.click(target.x, target.y);
  const selectMs = await probe('selectTime', 'Dense (Linear)');
  let profile = ((await cdp.send('Profiler.stop')) as unknown as { profile: Profile }).profile;
  console.log(`select: ${(selectMs as number).toFixed(0)} ms`);
  save(profile, label, 'select');
  console.log(stretches(profile, 5).join('\n'));
  let edited = doc;
  const edits = Number(process.env.NETLOOM_PROFILE_EDITS ?? 2);
  for (const units of Array.from({ length: edits }, (_, k) => 65 + k)) {
    edited = setParam(edited, target.id, 'units', units);
    const expected = `${lowerDocument(edited).totals.params.toLocaleString('en-US')} params`;
    await page.waitForTimeout(1000);
    if (process.env.NETLOOM_PROFILE_TRACE) {
      await browser.startTracing(page, {
        categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc'],
      });
      const ms = await probe('editTime', 'units', String(units), expected);
      const trace = await browser.stopTracing();
      console.log(`edit to ${units}: ${(ms as number).toFixed(0)} ms (traced)`);
      console.log(traceSummary(trace.toString('utf8')));
      continue;
    }
    await cdp.send('Profiler.start');
    const ms = await probe('editTime', 'units', String(units), expected);
    profile = ((await cdp.send('Profiler.stop')) as unknown as { profile: Profile }).profile;
    console.log(`edit to ${units}: ${(ms as number).toFixed(0)} ms`);
    save(profile, label, `edit-${units}`);
    console.log(stretches(profile, 5).join('\n'));
  }
  for (const kind of ['pan', 'zoom']) {
    await page.waitForTimeout(1000);
    const g0 = await page.evaluate(() => performance.now());
    await cdp.send('Profiler.start');
    const pageAtMark = (await page.evaluate(markScript())) as number;
    const fps =
      kind === 'zoom' && process.env.NETLOOM_PROFILE_ZOOM_EVENTS
        ? await page.evaluate(`(${fixedZoom})(${Number(process.env.NETLOOM_PROFILE_ZOOM_EVENTS)})`)
        : await probe('gestureFps', kind);
    profile = ((await cdp.send('Profiler.stop')) as unknown as { profile: Profile }).profile;
    console.log(`${kind}: ${JSON.stringify(fps)}`);
    console.log(`  long tasks (start+ms): ${(await longTasksSince(page, g0)).join(', ')}`);
    save(profile, label, kind);
    if (kind === 'zoom' && process.env.NETLOOM_PROFILE_ZOOM_EVENTS)
      for (const line of await crossingTasks(page)) console.log(`  crossing ${line}`);
    if (process.env.NETLOOM_PROFILE_TASKS) {
      const tasks = await tasksOver100ms(page, g0);
      console.log(taskProfiles(profile, pageAtMark, tasks, g0).join('\n'));
    } else console.log(stretches(profile, 50).join('\n'));
  }
}

async function profileOpen(
  url: string,
  file: string,
  label: string,
  edit: NetloomDocument | undefined,
): Promise<void> {
  const chromium = findChromium();
  const { chromium: pw } = await import('playwright-core');
  const browser = await pw.launch({ executablePath: chromium.path!, headless: true, args: ['--no-sandbox'] });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await context.addInitScript({ path: join(import.meta.dirname, 'page-probes.js') });
    await context.addInitScript(() => localStorage.setItem('netloom.started', '1'));
    const page = await context.newPage();
    await page.goto(url);
    await page.getByTestId('palette').waitFor();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
    const [chooser] = await Promise.all([
      page.waitForEvent('filechooser'),
      page.getByTestId('open-file').click(),
    ]);
    await cdp.send('Profiler.start');
    const pageAtMark = (await page.evaluate(markScript())) as number;
    const t0 = await page.evaluate(() => performance.now());
    await chooser.setFiles(file);
    const open = await page.evaluate(
      (t) =>
        (
          window as unknown as {
            __probes: { openTimes(t0: number, expected: string, quietMs: number): Promise<unknown> };
          }
        ).__probes.openTimes(t, 'params', 1000),
      t0,
    );
    const longTasks = await page.evaluate(
      (t) =>
        (
          window as unknown as { __probes: { longTasks: { start: number; duration: number }[] } }
        ).__probes.longTasks
          .filter((x) => x.start >= t)
          .map((x) => `${(x.start - t).toFixed(0)}+${x.duration.toFixed(0)}`),
      t0,
    );
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    console.log(`\n## ${label} (load average ${loadavg()[0]!.toFixed(1)})`);
    console.log(`open: ${JSON.stringify(open)}`);
    save(profile, label, 'open');
    console.log(`long tasks (start+ms after open): ${longTasks.join(', ')}`);
    if (edit) {
      const probe: Probe = (name, ...args) =>
        page.evaluate(
          ([n, a]) =>
            (window as unknown as { __probes: Record<string, (...x: unknown[]) => unknown> }).__probes[
              n as string
            ]!(...(a as unknown[])),
          [name, args] as const,
        );
      await profileEdit(browser, page, cdp, probe, edit, label);
    } else if (process.env.NETLOOM_PROFILE_TASKS) {
      const tasks = await tasksOver100ms(page, t0);
      console.log(taskProfiles(profile, pageAtMark, tasks, t0).join('\n'));
    } else console.log(stretches(profile, Number(process.env.NETLOOM_PROFILE_MIN_MS ?? 100)).join('\n'));
  } finally {
    await browser.close();
  }
}

const keys = process.argv.slice(2);
const dist = process.env.NETLOOM_BENCH_DIST;
if (!dist) buildIfStale();
const dir = mkdtempSync(join(tmpdir(), 'netloom-profile-'));
const server = await serveStatic(dist ?? join(root, 'dist/renderer'), 0);
try {
  for (const key of keys.length ? keys : ['chain-5000', 'grid-5000', 'onnx-5000']) {
    const edit = key.startsWith('edit:');
    const [shape, n] = key.replace(/^edit:/, '').split('-');
    const doc = residualMlp(Number(n), shape === 'grid' ? 'grid' : 'chain');
    const file = join(dir, `${shape}-${n}.${shape === 'onnx' ? 'onnx' : 'json'}`);
    writeFileSync(file, shape === 'onnx' ? exportDocument(doc, { seed: 0 }).bytes : JSON.stringify(doc));
    await profileOpen(server.url, file, key, edit && shape !== 'onnx' ? doc : undefined);
  }
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}
