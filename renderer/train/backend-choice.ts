// Where the Train panel trains: the candidates this machine offers (WASM with 1 thread and with
// every core, WebGPU on a real adapter), the measured choice between them, remembered per model
// and machine in localStorage, and how each is shown. A software WebGPU adapter (SwiftShader,
// `isFallbackAdapter`) is never chosen by itself: it trains LeNet-5 ~20× slower than WASM; the
// user may still pick it.
import { z } from 'zod';
import type { DocEdge, DocNode, NetloomDocument } from '../../src/document/schema.ts';

export type WorkerBackend = 'wasm' | 'webgpu';

export interface Candidate {
  readonly backend: WorkerBackend;
  readonly threads: number;
}

export interface Measured extends Candidate {
  readonly msPerStep: number;
}

/** What navigator.gpu offered: a description for the label, and whether it is a software fallback. */
export interface AdapterInfo {
  readonly description: string;
  readonly fallback: boolean;
}

export interface Offer {
  /** Candidates the probe may compare (never a fallback adapter). */
  readonly probe: readonly Candidate[];
  /** Every candidate the user may pick, probe candidates first. */
  readonly all: readonly Candidate[];
  readonly adapter: AdapterInfo | undefined;
  /** Why candidates are missing here, for the user: "not cross-origin isolated: WASM runs 1 thread". */
  readonly limits: readonly string[];
}

export const candidateId = (c: Candidate): string => `${c.backend}:${c.threads}`;

export function sameCandidate(a: Candidate | undefined, b: Candidate | undefined): boolean {
  return !!a && !!b && a.backend === b.backend && a.threads === b.threads;
}

/** The candidates on a machine with `cores` cores (threads need cross-origin isolation). */
export function offerFor(cores: number, isolated: boolean, adapter: AdapterInfo | undefined): Offer {
  const wasm: Candidate[] = [{ backend: 'wasm', threads: 1 }];
  const many = isolated ? Math.min(4, Math.max(1, Math.floor(cores))) : 1;
  if (many > 1) wasm.push({ backend: 'wasm', threads: many });
  const gpu: Candidate[] = adapter ? [{ backend: 'webgpu', threads: 1 }] : [];
  const limits: string[] = [];
  if (!isolated) limits.push('the page is not cross-origin isolated, so WASM runs 1 thread');
  else if (many < 2) limits.push('1 core, so WASM runs 1 thread');
  if (!adapter) limits.push('no WebGPU adapter');
  else if (adapter.fallback) limits.push('the WebGPU adapter is software (slow), not tried');
  return {
    probe: adapter && !adapter.fallback ? [...wasm, ...gpu] : wasm,
    all: [...wasm, ...gpu],
    adapter,
    limits,
  };
}

/** How the candidate a run trains on was decided. */
export type ChoiceSource = 'picked' | 'measured' | 'remembered' | 'only';

/**
 * Why this backend, in a line: "measured fastest (85 steps/s; wasm · 2 threads 61 steps/s; no
 * WebGPU adapter)", "your pick", "the only candidate: the page is not cross-origin isolated, …".
 */
export function choiceReason(
  source: ChoiceSource,
  chosen: Candidate,
  offer: Offer,
  measured: readonly Measured[],
): string {
  if (source === 'picked') return 'your pick';
  if (source === 'only') return ['the only candidate here', ...offer.limits].join('; ');
  const rate = (c: Candidate): string | undefined => {
    const m = measured.find((x) => sameCandidate(x, c));
    return m ? formatRate(1000 / m.msPerStep) : undefined;
  };
  const others = offer.probe
    .filter((c) => !sameCandidate(c, chosen))
    .map((c) => (rate(c) ? `${candidateLabel(c, offer.adapter)} ${rate(c)}` : undefined))
    .filter((x): x is string => x !== undefined);
  const mine = rate(chosen);
  const head = source === 'remembered' ? 'measured fastest earlier' : 'measured fastest';
  const detail = [...(mine ? [mine] : []), ...others, ...offer.limits];
  return detail.length ? `${head} (${detail.join('; ')})` : head;
}

/** "wasm · 2 threads", "webgpu", "webgpu (software)". */
export function candidateLabel(c: Candidate, adapter?: AdapterInfo): string {
  if (c.backend === 'webgpu') return adapter?.fallback ? 'webgpu (software adapter)' : 'webgpu';
  return `wasm · ${c.threads} thread${c.threads > 1 ? 's' : ''}`;
}

/** A rate for people: "120 steps/s", "4.2 steps/s", and below one a second per step, "3.9 s/step". */
export function formatRate(stepsPerSecond: number | undefined): string {
  if (stepsPerSecond === undefined || !Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0) return '';
  if (stepsPerSecond >= 10) return `${stepsPerSecond.toFixed(0)} steps/s`;
  if (stepsPerSecond >= 1) return `${stepsPerSecond.toFixed(1)} steps/s`;
  const s = 1 / stepsPerSecond;
  return `${s >= 10 ? s.toFixed(0) : s.toFixed(1)} s/step`;
}

/** "ETA 42 s", "ETA 3 min", "ETA 1 h 05 min". */
export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 90) return `ETA ${Math.ceil(seconds)} s`;
  const min = Math.round(seconds / 60);
  if (min < 60) return `ETA ${min} min`;
  return `ETA ${Math.floor(min / 60)} h ${String(min % 60).padStart(2, '0')} min`;
}

/** FNV-1a, 32 bits, as 8 hex digits: a short, stable key. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/**
 * The key's text is kept in parts, so that an edit (one new node object, the same edges) costs a
 * join and a hash rather than a stringify and a sort of the whole document (~30 ms at 5,000
 * layers): each node's part by node object, the wiring's part by edges list, and the last order
 * of the nodes by id while the ids stand in the same places.
 */
const nodePart = new WeakMap<DocNode, string>();
const edgesPart = new WeakMap<readonly DocEdge[], string>();
let lastOrder: { readonly ids: readonly string[]; readonly order: readonly number[] } | undefined;

function partOf(n: DocNode): string {
  let part = nodePart.get(n);
  if (part === undefined) {
    part = JSON.stringify([n.id, n.kind, n.params, n.frozen ?? false, n.sharesWeightsWith ?? '']);
    nodePart.set(n, part);
  }
  return part;
}

/** Indices of `nodes` in the order of their ids. */
function orderById(nodes: readonly DocNode[]): readonly number[] {
  const known = lastOrder;
  if (known && known.ids.length === nodes.length && nodes.every((n, i) => n.id === known.ids[i]))
    return known.order;
  const order = nodes.map((_, i) => i).sort((a, b) => (nodes[a]!.id < nodes[b]!.id ? -1 : 1));
  lastOrder = { ids: nodes.map((n) => n.id), order };
  return order;
}

/**
 * The model as the step graph sees it: layer kinds, parameters, wiring, frozen/shared weights and
 * the batch size — not positions, names or the description, which do not change its speed. The
 * text hashed is `JSON.stringify({ nodes, edges, batchSize, optimizer })` of the nodes (as
 * [id, kind, params, frozen, shared]) sorted by id and the wires (as "a:p>b:q") sorted.
 */
export function modelKey(doc: NetloomDocument, batchSize: number, optimizer: string): string {
  const nodes = orderById(doc.nodes)
    .map((i) => partOf(doc.nodes[i]!))
    .join(',');
  let edges = edgesPart.get(doc.edges);
  if (edges === undefined) {
    edges = JSON.stringify(
      doc.edges.map((e) => `${e.source.node}:${e.source.port}>${e.target.node}:${e.target.port}`).sort(),
    );
    edgesPart.set(doc.edges, edges);
  }
  return hash(
    `{"nodes":[${nodes}],"edges":${edges},"batchSize":${JSON.stringify(batchSize)},"optimizer":${JSON.stringify(optimizer)}}`,
  );
}

export function machineKey(cores: number, isolated: boolean, adapter: AdapterInfo | undefined): string {
  return `${cores}c${isolated ? 'i' : ''}:${adapter ? hash(adapter.description) : 'nogpu'}`;
}

const candidateSchema = z.object({ backend: z.enum(['wasm', 'webgpu']), threads: z.number().int().min(1) });
const rememberedSchema = z.object({
  /** What trains this model here: the probe's pick, or the user's. */
  choice: candidateSchema,
  /** True when the user picked it (the probe does not overrule a person). */
  picked: z.boolean(),
  measured: z.array(candidateSchema.extend({ msPerStep: z.number().positive() })),
  at: z.number(),
});
export type Remembered = z.infer<typeof rememberedSchema>;
const storeSchema = z.record(z.string(), rememberedSchema);

const storageKey = 'netloom.backends.v1';
const keep = 64;

/** Reads the remembered choices; a store that does not parse (edited, older) counts as empty. */
export function readChoices(storage: Pick<Storage, 'getItem'>): Record<string, Remembered> {
  try {
    const raw = storage.getItem(storageKey);
    if (!raw) return {};
    const parsed = storeSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : {};
  } catch {
    return {};
  }
}

export function recall(
  storage: Pick<Storage, 'getItem'>,
  machine: string,
  model: string,
): Remembered | undefined {
  return readChoices(storage)[`${machine}/${model}`];
}

/** Remembers a choice (the newest `keep` models per browser profile). */
export function remember(
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  machine: string,
  model: string,
  r: Remembered,
): void {
  const all = readChoices(storage);
  all[`${machine}/${model}`] = r;
  const newest = Object.entries(all)
    .sort((a, b) => b[1].at - a[1].at)
    .slice(0, keep);
  try {
    storage.setItem(storageKey, JSON.stringify(Object.fromEntries(newest)));
  } catch {
    // A full or disabled storage only means the probe runs again next time.
  }
}

/** Merges new measurements into old ones (same candidate: the new one wins). */
export function mergeMeasured(old: readonly Measured[], fresh: readonly Measured[]): Measured[] {
  const out = old.filter((o) => !fresh.some((f) => sameCandidate(f, o)));
  return [...out, ...fresh];
}

/**
 * The order the probe times candidates in: each twice, forwards then backwards (A B B A). Workers
 * in one browser process share the compiled WASM, and V8 moves its hot functions from the baseline
 * tier to optimised code while the first candidate runs, so a single pass timed the first
 * candidate on slow code and favoured the later ones (measured in Chromium: two threads chosen,
 * then training 1.8× slower than one); a machine that grows busier mid-probe is balanced the same way.
 */
export function probeOrder(candidates: readonly Candidate[]): Candidate[] {
  return candidates.length < 2 ? [...candidates] : [...candidates, ...[...candidates].reverse()];
}

/**
 * One figure per candidate from the probe's passes: the faster of its times. Both things that
 * distort a probe only add time (baseline-tier code in the first pass, other programs taking the
 * cores), so the smaller time is the nearer to what the candidate does.
 */
export function combineProbes(times: readonly Measured[]): Measured[] {
  const out: Measured[] = [];
  for (const t of times) {
    if (out.some((o) => sameCandidate(o, t))) continue;
    const mine = times.filter((x) => sameCandidate(x, t));
    const msPerStep = Math.min(...mine.map((x) => x.msPerStep));
    out.push({ backend: t.backend, threads: t.threads, msPerStep });
  }
  return out;
}

/** The fastest measured candidate; within 3 % the earlier one (fewer threads, WASM before WebGPU). */
export function fastestMeasured(
  measured: readonly Measured[],
  order: readonly Candidate[],
): Candidate | undefined {
  let best: Measured | undefined;
  for (const c of order) {
    const m = measured.find((x) => sameCandidate(x, c));
    if (!m) continue;
    if (!best || m.msPerStep < best.msPerStep * 0.97) best = m;
  }
  return best && { backend: best.backend, threads: best.threads };
}

interface GpuAdapterLike {
  readonly isFallbackAdapter?: boolean;
  readonly info?: {
    readonly vendor?: string;
    readonly architecture?: string;
    readonly description?: string;
    readonly isFallbackAdapter?: boolean;
  };
}

/** Software rasterisers behind WebGPU: SwiftShader (Chromium), llvmpipe/lavapipe (Mesa), WARP. */
const softwareName = /swiftshader|llvmpipe|lavapipe|microsoft basic render|\bwarp\b/i;

/** The WebGPU adapter this browser offers, if any, and whether it is a software fallback. */
export async function gpuAdapter(
  gpu: { requestAdapter(): Promise<unknown> } | undefined,
): Promise<AdapterInfo | undefined> {
  if (!gpu) return undefined;
  try {
    const a = (await gpu.requestAdapter()) as GpuAdapterLike | null;
    if (!a) return undefined;
    const info = a.info ?? {};
    const named = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
    // Not every browser sets isFallbackAdapter on a CPU rasteriser; its name gives it away.
    const fallback = Boolean(info.isFallbackAdapter ?? a.isFallbackAdapter) || softwareName.test(named);
    const description = named || (fallback ? 'software adapter' : 'adapter');
    return { description, fallback };
  } catch {
    return undefined;
  }
}
