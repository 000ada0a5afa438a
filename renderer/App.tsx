// The editor window: toolbar, palette, canvas, and a side panel with the inspector, the summary
// and the problems list. Keyboard shortcuts and the desktop menus run the same commands.
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import { Fragment, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { loadTemplate } from '../src/templates/catalogue.ts';
import { Canvas } from './components/Canvas.tsx';
import { Gallery } from './components/Gallery.tsx';
import { Help } from './components/Help.tsx';
import { NameDialog } from './components/NameDialog.tsx';
import { Inspector } from './components/Inspector.tsx';
import { Palette } from './components/Palette.tsx';
import { Problems } from './components/Problems.tsx';
import { Summary } from './components/Summary.tsx';
import { echo } from '../src/util/text.ts';
import { RunsPanel } from './runs/RunsPanel.tsx';
import { TrainPanel } from './train/TrainPanel.tsx';
import { currentHost } from './host/browser-host.ts';
import {
  confirmDiscard,
  openBytes,
  recoverAutosave,
  scheduleAutosave,
  writeAutosave,
} from './lib/file-actions.ts';
import type { Command, CommandContext } from './lib/commands.ts';
import { command, commandForKey, isEnabled, runCommand } from './lib/commands.ts';
import { useEditor } from './store/document-store.ts';
import { useLowered } from './store/lowering-store.ts';
import type { CommandId } from '../src/host/commands.ts';
import { chordName } from '../src/host/commands.ts';
import { fitGraph } from './lib/view.ts';
import { readableTemplate } from './lib/layout.ts';

/** A toolbar button: a command, with a shorter text than its label where the bar is tight. */
interface ToolbarButton {
  readonly command: CommandId;
  readonly text?: string;
  readonly testId?: string;
}

const toolbarStart: readonly (readonly ToolbarButton[])[] = [
  [
    { command: 'new' },
    { command: 'open', testId: 'open-file' },
    { command: 'save' },
    { command: 'gallery', testId: 'open-gallery' },
  ],
  [
    { command: 'undo', testId: 'undo' },
    { command: 'redo', testId: 'redo' },
    { command: 'layout', text: 'Layout' },
    { command: 'group', text: 'Group' },
  ],
  [
    { command: 'export-onnx', text: 'Export ONNX', testId: 'export-onnx' },
    { command: 'export-pytorch', text: 'PyTorch', testId: 'export-pytorch' },
    { command: 'export-diagram-svg', text: 'SVG' },
    { command: 'export-diagram-png', text: 'PNG' },
  ],
];

/** Set once the app has started here: only the first launch opens the Templates by itself. */
const startedKey = 'netloom.started';

function tooltip(c: Command): string {
  const key = c.keys?.[0];
  return key ? `${c.label} (${chordName(key)})` : c.label;
}

/** The toolbar's commands, whose enabled states the toolbar shows. */
const toolbarCommands: readonly CommandId[] = [
  ...toolbarStart.flat().map((b) => b.command),
  'toggle-theme',
  'show-shortcuts',
];

/** The problems' count beside their title. */
function ErrorBadge() {
  const errorCount = useLowered().diagnostics.filter((d) => d.severity === 'error').length;
  return errorCount > 0 ? <span className="badge">{errorCount}</span> : null;
}

/** One formatter for the totals (toLocaleString makes one per call, at every edit). */
const exact = new Intl.NumberFormat('en-US');

/** The totals under the side panel. */
function TotalsBar() {
  const lowered = useLowered();
  return (
    <div className="totals-bar" data-testid="totals">
      {lowered.pending > 0
        ? `inferring shapes… ${exact.format(lowered.pending)} layers to go`
        : `${exact.format(lowered.totals.params)} params · ${(lowered.totals.flops / 1e6).toFixed(2)} MFLOPs`}
    </div>
  );
}

// The window's frame. It does not follow the document or its lowering (an edit re-renders the
// parts that show them, not the toolbar and every panel under it): the name, the flags and which
// commands are enabled are what it reads.
function Shell() {
  const host = useMemo(() => currentHost(), []);
  const flow = useReactFlow();
  const docName = useEditor((s) => s.doc.name);
  const dirty = useEditor((s) => s.dirty);
  const filePath = useEditor((s) => s.filePath);
  const theme = useEditor((s) => s.theme);
  const message = useEditor((s) => s.message);
  // Re-render when a command's enabled state may change (undo and redo follow the history).
  useEditor((s) => s.past.length > 0);
  useEditor((s) => s.future.length > 0);
  useEditor((s) => toolbarCommands.map((id) => (isEnabled(command(id), s) ? 1 : 0)).join(''));
  const [gallery, setGallery] = useState(false);
  const [help, setHelp] = useState(false);
  const [asking, setAsking] = useState<{ title: string; initial: string; done: (n?: string) => void }>();
  const [tab, setTab] = useState<'inspector' | 'summary' | 'train' | 'runs'>('inspector');
  const ctx: CommandContext = {
    host,
    flow,
    showHelp: () => setHelp(true),
    showGallery: () => setGallery(true),
    askName: (title, initial) =>
      new Promise((done) =>
        setAsking({
          title,
          initial,
          done: (n) => {
            setAsking(undefined);
            done(n);
          },
        }),
      ),
  };
  const run = (id: CommandId) => runCommand(id, ctx);
  // The canvas's context menus run commands too; a stable function keeps the canvas from re-rendering.
  const runNow = useRef(run);
  runNow.current = run;
  const canvasRun = useCallback((id: CommandId) => runNow.current(id), []);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  // The first launch opens the Templates (unless a recovered document is already there).
  useEffect(() => {
    try {
      if (localStorage.getItem(startedKey)) return;
      localStorage.setItem(startedKey, '1');
    } catch {
      return;
    }
    if (useEditor.getState().doc.nodes.length === 0) setGallery(true);
  }, []);

  // The title and the dirty mark change with the name and the flag, not with every edit (each is a
  // message to the window, or a title set, that an edit's frame need not wait for).
  useEffect(() => {
    const name = filePath?.split(/[\\/]/).pop() ?? docName;
    host.setTitle(echo(name, 120), dirty);
    host.setDirty(dirty);
  }, [docName, dirty, filePath, host]);
  useEffect(() => {
    scheduleAutosave();
    return useEditor.subscribe((st, was) => {
      if (st.doc !== was.doc || st.dirty !== was.dirty) scheduleAutosave();
    });
  }, []);

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

  const openTemplate = (name: string) => {
    if (!confirmDiscard()) return;
    const t = loadTemplate(name);
    setGallery(false);
    if (!t) return;
    void readableTemplate(t).then((doc) => {
      useEditor.getState().load(doc, undefined);
      setTimeout(() => fitGraph(flow), 50);
    });
  };

  useEffect(() => host.onMenuCommand((c) => run(c)));
  useEffect(() =>
    host.onOpenFile(
      (f) =>
        void openBytes(f.bytes, f.path, f.recovered === true).then((opened) => {
          if (opened) setTimeout(() => fitGraph(flow), 50);
        }),
    ),
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.closest('input, textarea, select')) return;
      const hit = commandForKey(e);
      if (!hit) return;
      e.preventDefault();
      run(hit.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const button = (b: ToolbarButton) => {
    const c = command(b.command);
    return (
      <button
        key={b.command}
        onClick={() => run(b.command)}
        disabled={!isEnabled(c)}
        title={tooltip(c)}
        {...(b.testId ? { 'data-testid': b.testId } : {})}
      >
        {b.text ?? c.label}
      </button>
    );
  };

  return (
    <div className="app">
      <header className="toolbar">
        <span className="brand">Netloom</span>
        {toolbarStart.map((group, i) => (
          <Fragment key={i}>
            {i > 0 && <span className="sep" />}
            {group.map(button)}
          </Fragment>
        ))}
        <span className="grow" />
        <span className="doc-title" data-testid="doc-title">
          {dirty ? '● ' : ''}
          {filePath?.split(/[\\/]/).pop() ?? docName}
        </span>
        {button({ command: 'toggle-theme', text: theme === 'dark' ? '☀' : '☾' })}
        {button({ command: 'show-shortcuts', text: '?' })}
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
        <Canvas run={canvasRun} />
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
            <button
              className={tab === 'runs' ? 'on' : ''}
              onClick={() => setTab('runs')}
              data-testid="runs-tab"
            >
              Runs
            </button>
          </nav>
          <div className="side-body">
            {tab === 'inspector' ? <Inspector /> : tab === 'summary' ? <Summary /> : null}
            {tab === 'runs' && <RunsPanel />}
            {/* Kept mounted on other tabs so a run (its worker, charts) goes on while you look. */}
            <div hidden={tab !== 'train'}>
              <TrainPanel shown={tab === 'train'} />
            </div>
          </div>
          <h4 className="problems-title">
            Problems <ErrorBadge />
          </h4>
          <Problems />
          <TotalsBar />
        </aside>
      </main>
      {gallery && <Gallery onOpen={(_, name) => openTemplate(name)} onClose={() => setGallery(false)} />}
      {help && <Help onClose={() => setHelp(false)} />}
      {asking && <NameDialog title={asking.title} initial={asking.initial} onDone={asking.done} />}
    </div>
  );
}

function Recovery() {
  const flow = useReactFlow();
  useEffect(() => {
    if (recoverAutosave()) setTimeout(() => fitGraph(flow), 100);
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
