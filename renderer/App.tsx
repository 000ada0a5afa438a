// The editor window: toolbar, palette, canvas, and a side panel with the inspector, the summary
// and the problems list. Keyboard shortcuts and the desktop menus run the same commands.
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { useEffect, useMemo, useState } from 'react';
import { loadTemplate } from '../src/templates/catalogue.ts';
import { Canvas } from './components/Canvas.tsx';
import { Gallery } from './components/Gallery.tsx';
import { Help, shortcuts } from './components/Help.tsx';
import { Inspector } from './components/Inspector.tsx';
import { Palette } from './components/Palette.tsx';
import { Problems } from './components/Problems.tsx';
import { Summary } from './components/Summary.tsx';
import { echo } from '../src/util/text.ts';
import { TrainPanel } from './train/TrainPanel.tsx';
import { currentHost } from './host/browser-host.ts';
import {
  confirmDiscard,
  exportDiagram,
  exportOnnxFile,
  exportPytorchFile,
  newDocument,
  openProject,
  openBytes,
  importOnnxFile,
  recoverAutosave,
  saveProject,
  writeAutosave,
} from './lib/file-actions.ts';
import { autoLayout } from './lib/layout.ts';
import {
  copySelection,
  groupNodes,
  moveNodes,
  paste,
  parseClip,
  removeNodes,
  useEditor,
} from './store/document-store.ts';
import type { Clip } from './store/document-store.ts';
import { useLowered } from './store/useLowered.ts';
import type { MenuCommand } from '../src/document/host.ts';

let internalClip: Clip | undefined;

function Shell() {
  const host = useMemo(() => currentHost(), []);
  const flow = useReactFlow();
  const doc = useEditor((s) => s.doc);
  const dirty = useEditor((s) => s.dirty);
  const filePath = useEditor((s) => s.filePath);
  const theme = useEditor((s) => s.theme);
  const message = useEditor((s) => s.message);
  const canUndo = useEditor((s) => s.past.length > 0);
  const canRedo = useEditor((s) => s.future.length > 0);
  const lowered = useLowered();
  const [gallery, setGallery] = useState(false);
  const [help, setHelp] = useState(false);
  const [tab, setTab] = useState<'inspector' | 'summary' | 'train'>('inspector');
  const errorCount = lowered.diagnostics.filter((d) => d.severity === 'error').length;

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  useEffect(() => {
    const name = filePath?.split(/[\\/]/).pop() ?? doc.name;
    host.setTitle(echo(name, 120), dirty);
    host.setDirty(dirty);
    const t = setTimeout(writeAutosave, 400);
    return () => clearTimeout(t);
  }, [doc, dirty, filePath, host]);

  useEffect(() => {
    const warn = (e: BeforeUnloadEvent) => {
      if (useEditor.getState().dirty) {
        writeAutosave();
        e.preventDefault();
      }
    };
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, []);

  const layout = async () => {
    const st = useEditor.getState();
    const positions = await autoLayout(st.doc);
    st.edit((d) => moveNodes(d, positions));
    setTimeout(() => flow.fitView({ duration: 300 }), 50);
  };

  const fitAfterOpen = (opened: boolean) => {
    if (opened) setTimeout(() => flow.fitView(), 50);
  };

  const openTemplate = (name: string) => {
    if (!confirmDiscard()) return;
    const t = loadTemplate(name);
    if (t) useEditor.getState().load(t, undefined);
    setGallery(false);
    setTimeout(() => flow.fitView(), 50);
  };

  const copy = async () => {
    const st = useEditor.getState();
    if (!st.selection.length) return;
    internalClip = copySelection(st.doc, st.selection);
    await navigator.clipboard?.writeText(JSON.stringify(internalClip)).catch(() => undefined);
  };
  const pasteClip = async () => {
    const text = await navigator.clipboard?.readText().catch(() => undefined);
    const clip = (text && parseClip(text)) || internalClip;
    if (!clip) return;
    const st = useEditor.getState();
    let ids: string[] = [];
    st.edit((d) => {
      const r = paste(d, clip);
      ids = r.ids;
      return r.doc;
    });
    st.select(ids);
  };

  const run = (cmd: MenuCommand | 'duplicate' | 'group' | 'layout' | 'delete' | 'gallery') => {
    const st = useEditor.getState();
    switch (cmd) {
      case 'new':
        return newDocument();
      case 'open':
        return void openProject(host).then(fitAfterOpen);
      case 'save':
        return void saveProject(host);
      case 'save-as':
        return void saveProject(host, true);
      case 'export-onnx':
        return void exportOnnxFile(host);
      case 'export-pytorch':
        return void exportPytorchFile(host);
      case 'export-diagram-svg':
        return void exportDiagram(host, 'svg');
      case 'export-diagram-png':
        return void exportDiagram(host, 'png');
      case 'import-onnx':
        return void importOnnxFile(host).then(fitAfterOpen);
      case 'undo':
        return st.undo();
      case 'redo':
        return st.redo();
      case 'copy':
        return void copy();
      case 'cut':
        return void copy().then(() => st.edit((d) => removeNodes(d, st.selection)));
      case 'paste':
        return void pasteClip();
      case 'duplicate': {
        if (!st.selection.length) return;
        let ids: string[] = [];
        st.edit((d) => {
          const r = paste(d, copySelection(d, st.selection));
          ids = r.ids;
          return r.doc;
        });
        return st.select(ids);
      }
      case 'delete':
        return st.edit((d) => removeNodes(d, st.selection));
      case 'select-all':
        return st.select(st.doc.nodes.map((n) => n.id));
      case 'group': {
        if (!st.selection.length) return;
        const name = window.prompt('Block name', 'Block');
        if (name) st.edit((d) => groupNodes(d, st.selection, name));
        return;
      }
      case 'layout':
        return void layout();
      case 'zoom-in':
        return void flow.zoomIn();
      case 'zoom-out':
        return void flow.zoomOut();
      case 'zoom-fit':
        return void flow.fitView({ duration: 300 });
      case 'toggle-theme':
        return st.setTheme(st.theme === 'dark' ? 'light' : 'dark');
      case 'show-shortcuts':
        return setHelp(true);
      case 'gallery':
        return setGallery(true);
      case 'about':
        return st.say('info', 'Netloom — design, train and export neural networks.');
      default:
        return undefined;
    }
  };

  useEffect(() => host.onMenuCommand((c) => run(c)));
  useEffect(() =>
    host.onOpenFile((f) => void openBytes(f.bytes, f.path, f.recovered === true).then(fitAfterOpen)),
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select')) return;
      const mod = e.ctrlKey || e.metaKey;
      const k = e.key.toLowerCase();
      const hit = shortcuts.find((s) => s.key === k && !!s.mod === mod && !!s.shift === e.shiftKey);
      if (!hit) return;
      e.preventDefault();
      run(hit.command);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">Netloom</span>
        <button onClick={() => run('new')}>New</button>
        <button onClick={() => run('open')} data-testid="open-file">
          Open…
        </button>
        <button onClick={() => run('save')}>Save</button>
        <button onClick={() => run('gallery')} data-testid="open-gallery">
          Templates
        </button>
        <span className="sep" />
        <button onClick={() => run('undo')} disabled={!canUndo} title="Undo (Ctrl+Z)" data-testid="undo">
          Undo
        </button>
        <button
          onClick={() => run('redo')}
          disabled={!canRedo}
          title="Redo (Ctrl+Shift+Z)"
          data-testid="redo"
        >
          Redo
        </button>
        <button onClick={() => run('layout')} title="Automatic layout (L)">
          Layout
        </button>
        <button onClick={() => run('group')} title="Make a block of the selection (Ctrl+G)">
          Group
        </button>
        <span className="sep" />
        <button onClick={() => run('export-onnx')} data-testid="export-onnx">
          Export ONNX
        </button>
        <button
          onClick={() => run('export-pytorch')}
          title="A PyTorch training package, for torchrun (Ctrl+Shift+E)"
          data-testid="export-pytorch"
        >
          PyTorch
        </button>
        <button onClick={() => run('export-diagram-svg')}>SVG</button>
        <button onClick={() => run('export-diagram-png')}>PNG</button>
        <span className="grow" />
        <span className="doc-title" data-testid="doc-title">
          {dirty ? '● ' : ''}
          {filePath?.split(/[\\/]/).pop() ?? doc.name}
        </span>
        <button onClick={() => run('toggle-theme')} title="Light / dark theme">
          {theme === 'dark' ? '☀' : '☾'}
        </button>
        <button onClick={() => setHelp(true)} title="Keyboard shortcuts (?)">
          ?
        </button>
      </header>
      {host.kind === 'browser' && !window.netloomHost && (
        <div className="note" data-testid="browser-note">
          Running in the browser: files open with a picker and save as downloads. The desktop app adds native
          menus and dialogs.
        </div>
      )}
      {message && (
        <div className={`banner ${message.kind}`} data-testid={`banner-${message.kind}`}>
          <span>{message.text}</span>
          <button onClick={() => useEditor.getState().dismiss()}>✕</button>
        </div>
      )}
      <main className="workspace">
        <Palette />
        <Canvas />
        <aside className="side">
          <nav className="tabs">
            <button className={tab === 'inspector' ? 'on' : ''} onClick={() => setTab('inspector')}>
              Layer
            </button>
            <button
              className={tab === 'summary' ? 'on' : ''}
              onClick={() => setTab('summary')}
              data-testid="summary-tab"
            >
              Summary
            </button>
            <button
              className={tab === 'train' ? 'on' : ''}
              onClick={() => setTab('train')}
              data-testid="train-tab"
            >
              Train
            </button>
          </nav>
          <div className="side-body">
            {tab === 'inspector' ? <Inspector /> : tab === 'summary' ? <Summary /> : null}
            {/* Kept mounted on other tabs so a run (its worker, charts) goes on while you look. */}
            <div hidden={tab !== 'train'}>
              <TrainPanel />
            </div>
          </div>
          <h4 className="problems-title">
            Problems {errorCount > 0 && <span className="badge">{errorCount}</span>}
          </h4>
          <Problems />
          <div className="totals-bar" data-testid="totals">
            {lowered.totals.params.toLocaleString('en-US')} params · {(lowered.totals.flops / 1e6).toFixed(2)}{' '}
            MFLOPs
          </div>
        </aside>
      </main>
      {gallery && <Gallery onOpen={(_, name) => openTemplate(name)} onClose={() => setGallery(false)} />}
      {help && <Help onClose={() => setHelp(false)} />}
    </div>
  );
}

function Recovery() {
  const flow = useReactFlow();
  useEffect(() => {
    if (recoverAutosave()) setTimeout(() => flow.fitView(), 100);
  }, [flow]);
  return null;
}

export function App() {
  return (
    <ReactFlowProvider>
      <Recovery />
      <Shell />
    </ReactFlowProvider>
  );
}
