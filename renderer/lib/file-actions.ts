// File commands shared by the toolbar, the keyboard and the desktop menus, all through the Host.
import { parseDocument, serializeDocument } from '../../src/document/parse.ts';
import type { NetloomDocument } from '../../src/document/schema.ts';
import type { Host } from '../../src/document/host.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import { emptyDocument, useEditor } from '../store/document-store.ts';
import { lowerCached } from '../store/useLowered.ts';
import { diagramSvg, svgToPng } from './diagram.ts';

const projectFilter = [{ name: 'Netloom project', extensions: ['json'] }];

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

export async function openProject(host: Host): Promise<void> {
  if (!confirmDiscard()) return;
  const f = await host.openFile(projectFilter);
  if (f) openText(new TextDecoder().decode(f.bytes), f.path, f.recovered === true);
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
    if (r.path !== undefined) st.markSaved(r.path);
  } catch (e) {
    st.say('error', `Not saved: ${errorText(e)}`);
  }
}

export async function exportOnnxFile(host: Host): Promise<void> {
  const st = useEditor.getState();
  try {
    const { bytes } = exportDocument(st.doc);
    await host.saveFile(bytes, {
      suggestedName: `${fileStem(st.doc, st.filePath)}.onnx`,
      filters: [{ name: 'ONNX model', extensions: ['onnx'] }],
    });
  } catch (e) {
    st.say('error', `Cannot export ONNX: ${errorText(e)}`);
  }
}

export async function exportDiagram(host: Host, format: 'svg' | 'png'): Promise<void> {
  const st = useEditor.getState();
  const svg = diagramSvg(st.doc, lowerCached(st.doc), st.theme);
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

const autosaveKey = 'netloom.autosave.v1';

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
