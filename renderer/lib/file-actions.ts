// File commands shared by the toolbar, the keyboard and the desktop menus, all through the Host.
import { parseDocument, serializeDocument } from '../../src/document/parse.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { Host } from '../../src/host/host.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { weightsFileBytes } from '../../src/ir/weights-file.ts';
import { pytorchPackage } from '../../src/pytorch/package.ts';
import type { DatasetArrays } from '../../src/pytorch/dataset-files.ts';
import { documentTrainingSetup } from '../../src/compile/training-setup.ts';
import { isToyName, toyByName } from '../../src/runtime/datasets/catalogue.ts';
import { mnistFromDigits, unpackMnist } from '../../src/runtime/datasets/mnist.ts';
import { zipStore } from '../../src/util/zip.ts';
import { useWeights, weightsFit } from '../store/weights-store.ts';
import { readOnnxFile, readProjectFile, startImportWorker } from './import-client.ts';
import { nextTask } from './next-task.ts';
import { emptyDocument } from '../../src/document/edits.ts';
import { useEditor } from '../store/document-store.ts';
import { lowerCached, useLowering } from '../store/lowering-store.ts';
import { diagramSvg, svgToPng } from './diagram.ts';

const projectFilter = [{ name: 'Netloom project', extensions: ['json'] }];
const onnxFilter = [{ name: 'ONNX model', extensions: ['onnx'] }];

function fileStem(doc: NetloomDocument, filePath: string | undefined): string {
  const base = filePath
    ?.split(/[\\/]/)
    .pop()
    ?.replace(/\.json$/i, '');
  return base || doc.name.replace(/[^\w.-]+/g, '-') || 'model';
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export function confirmDiscard(): boolean {
  return !useEditor.getState().dirty || window.confirm('Discard unsaved changes?');
}

export function newDocument(): void {
  if (confirmDiscard()) useEditor.getState().load(emptyDocument(), undefined);
}

export function openText(text: string, name: string, dirty = false): boolean {
  try {
    useEditor.getState().load(parseDocument(text, name), name, dirty);
    return true;
  } catch (e) {
    // The current document stays as it was.
    useEditor.getState().say('error', errorText(e));
    return false;
  }
}

/**
 * An ONNX file as a document: known op patterns become layers, the file's weights become the
 * model's weights; laid out automatically. Unsaved (it is not a project file yet). Read in the
 * import worker when one runs (import-client.ts).
 */
export async function openOnnxBytes(bytes: Uint8Array, name: string): Promise<boolean> {
  try {
    const { doc, weights } = await readOnnxFile(bytes, name);
    // The load (the first render of the graph) in a task of its own, after the reading's last slice.
    await nextTask();
    useEditor.getState().load(doc, undefined, true);
    useWeights.getState().setWeights(Object.fromEntries(weights));
    useEditor.getState().say('info', `${name}: ${doc.nodes.length} nodes, weights from the file`);
    return true;
  } catch (e) {
    // The current document stays as it was.
    useEditor.getState().say('error', errorText(e));
    return false;
  }
}

/**
 * A project file's bytes, parsed and checked (in the import worker when one runs), then loaded in
 * a task of its own: at 5,000 layers the parse is a task of 0.15–0.5 s, the load (first render)
 * another.
 */
async function openProjectBytes(bytes: Uint8Array, path: string, dirty: boolean): Promise<boolean> {
  try {
    const { doc } = await readProjectFile(bytes, path);
    await nextTask();
    useEditor.getState().load(doc, path, dirty);
    return true;
  } catch (e) {
    // The current document stays as it was.
    useEditor.getState().say('error', errorText(e));
    return false;
  }
}

/** A project (.json) or an ONNX model (.onnx), by the file's name. */
export async function openBytes(bytes: Uint8Array, path: string, recovered = false): Promise<boolean> {
  if (/\.onnx$/i.test(path)) return openOnnxBytes(bytes, path.replace(/^.*[\\/]/, ''));
  return openProjectBytes(bytes, path, recovered);
}

/** Resolves true when a file was opened (the caller fits the view to it). */
export async function openProject(host: Host): Promise<boolean> {
  if (!confirmDiscard()) return false;
  startImportWorker();
  const f = await host.openFile([...projectFilter, ...onnxFilter]);
  return f ? openBytes(f.bytes, f.path, f.recovered === true) : false;
}

export async function importOnnxFile(host: Host): Promise<boolean> {
  if (!confirmDiscard()) return false;
  startImportWorker();
  const f = await host.openFile(onnxFilter);
  return f ? openOnnxBytes(f.bytes, f.name) : false;
}

export async function saveProject(host: Host, as = false): Promise<void> {
  const st = useEditor.getState();
  const bytes = new TextEncoder().encode(serializeDocument(st.doc));
  try {
    const r = await host.saveFile(bytes, {
      path: as || host.kind === 'browser' ? undefined : st.filePath,
      suggestedName: `${fileStem(st.doc, st.filePath)}.json`,
      filters: projectFilter,
    });
    if (r.path !== undefined) {
      st.markSaved(r.path);
      // At once, not in the 400 ms autosave: a crash meanwhile would bring the stale copy back
      // as unsaved work over the file just saved.
      writeAutosave();
    }
  } catch (e) {
    st.say('error', `Not saved: ${errorText(e)}`);
  }
}

export async function exportOnnxFile(host: Host): Promise<void> {
  const st = useEditor.getState();
  try {
    // Trained or imported weights when they belong to this graph; fresh initial values otherwise.
    const w = useWeights.getState().weights;
    const { bytes } = exportDocument(
      st.doc,
      weightsFit(lowerCached(st.doc).graph.weights, w) ? { weights: new Map(Object.entries(w!)) } : {},
    );
    await host.saveFile(bytes, {
      suggestedName: `${fileStem(st.doc, st.filePath)}.onnx`,
      filters: [{ name: 'ONNX model', extensions: ['onnx'] }],
    });
  } catch (e) {
    st.say('error', `Cannot export ONNX: ${errorText(e)}`);
  }
}

/**
 * The project's data set as Netloom trains on it (before normalisation), for the package's data/:
 * a built-in set; a CSV file named by path cannot be read from here, so train.py takes --data.
 */
async function projectData(name: string | undefined, seed: number): Promise<DatasetArrays | undefined> {
  if (name === undefined) return undefined;
  if (isToyName(name)) return toyByName(name, seed + 1);
  if (name !== 'mnist') return undefined;
  const url = new URL('mnist-digits.bin', document.baseURI).href;
  const res = await fetch(url);
  if (!res.ok) throw new Error(`the MNIST digits could not be loaded (${res.status})`);
  return mnistFromDigits(unpackMnist(new Uint8Array(await res.arrayBuffer()), url), undefined, false);
}

/**
 * "Export PyTorch…": the project as a PyTorch training package, one .zip (a browser downloads one
 * file; the desktop app saves it atomically where the user says), with the trained weights when
 * they belong to this graph.
 */
export async function exportPytorchFile(host: Host): Promise<void> {
  const st = useEditor.getState();
  try {
    const doc = st.doc;
    const w = useWeights.getState().weights;
    const model = lowerCached(doc).graph.weights;
    const trained = weightsFit(model, w)
      ? weightsFileBytes(model, new Map(Object.entries(w!)), doc.name)
      : undefined;
    const setup = documentTrainingSetup(doc);
    const data = await projectData(setup.dataset, setup.seed);
    const pkg = pytorchPackage(doc, { ...(data ? { data } : {}), ...(trained ? { weights: trained } : {}) });
    const r = await host.saveFile(zipStore(pkg.files), {
      suggestedName: `${fileStem(doc, st.filePath)}-pytorch.zip`,
      filters: [{ name: 'Zip archive', extensions: ['zip'] }],
    });
    if (r.path !== undefined)
      st.say('info', `${r.path}: PyTorch package — unzip it and run python train.py (see its README)`);
  } catch (e) {
    st.say('error', `Cannot export PyTorch: ${errorText(e)}`);
  }
}

export async function exportDiagram(host: Host, format: 'svg' | 'png'): Promise<void> {
  const st = useEditor.getState();
  const svg = diagramSvg(st.doc, useLowering.getState().facts, st.theme);
  try {
    const bytes = format === 'svg' ? new TextEncoder().encode(svg) : await svgToPng(svg);
    await host.saveFile(bytes, {
      suggestedName: `${fileStem(st.doc, st.filePath)}.${format}`,
      filters: [{ name: format.toUpperCase(), extensions: [format] }],
    });
  } catch (e) {
    st.say('error', `Cannot export the diagram: ${errorText(e)}`);
  }
}

// ---- Autosave: the document goes to localStorage while it has unsaved changes ----
// Serialising a 5,000-layer document takes ~20 ms, so the write waits for the page to be idle
// (never inside an edit's frame). At most one write is pending; it reads the document when it runs,
// so edits made meanwhile go with it, and a stream of edits still writes every half second or so.
// Leaving or hiding the page writes what is pending at once. localStorage.setItem replaces the
// entry whole, so a crash leaves the last write or the one before, never half of one.

const autosaveKey = 'netloom.autosave.v1';
/** How long after a change the write is first tried (ms), and the longest it waits for idle time. */
const autosaveDelayMs = 400;
const autosaveIdleMs = 2000;

let autosavePending: { cancel(): void } | undefined;

/** Writes the autosave soon (see above); nothing more when a write is already pending. */
export function scheduleAutosave(): void {
  if (autosavePending) return;
  let idle: number | undefined;
  const timer = setTimeout(() => {
    if (typeof requestIdleCallback === 'function')
      idle = requestIdleCallback(flushAutosave, { timeout: autosaveIdleMs });
    else flushAutosave();
  }, autosaveDelayMs);
  autosavePending = {
    cancel() {
      clearTimeout(timer);
      if (idle !== undefined) cancelIdleCallback(idle);
    },
  };
}

/** Writes the pending autosave now (a page being hidden or closed); nothing when none is pending. */
export function flushAutosave(): void {
  if (!autosavePending) return;
  autosavePending.cancel();
  autosavePending = undefined;
  writeAutosave();
}

if (typeof window !== 'undefined') {
  window.addEventListener('pagehide', flushAutosave);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') flushAutosave();
  });
}

export function writeAutosave(): void {
  const st = useEditor.getState();
  try {
    if (!st.dirty) localStorage.removeItem(autosaveKey);
    else
      localStorage.setItem(
        autosaveKey,
        JSON.stringify({ doc: st.doc, filePath: st.filePath ?? null, at: new Date().toISOString() }),
      );
  } catch {
    // Storage full or disabled: autosave is a safety net, not a requirement.
  }
}

/** Restores unsaved work after a crash or reload; returns true when something was recovered. */
export function recoverAutosave(): boolean {
  const raw = localStorage.getItem(autosaveKey);
  if (!raw) return false;
  try {
    const saved = JSON.parse(raw) as { doc: unknown; filePath: string | null; at: string };
    const ok = openText(JSON.stringify(saved.doc), saved.filePath ?? 'recovered.json', true);
    if (ok) {
      useEditor.getState().markSaved(saved.filePath ?? undefined);
      useEditor.setState({ dirty: true });
      useEditor
        .getState()
        .say(
          'info',
          `Recovered unsaved work from ${new Date(saved.at).toLocaleString()}. Save it to keep it.`,
        );
    }
    return ok;
  } catch {
    localStorage.removeItem(autosaveKey);
    return false;
  }
}
