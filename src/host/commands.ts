// The editor's command ids: the desktop menus send them to the renderer, which runs the same
// code path as its toolbar and keyboard shortcuts.

/** Commands the host's native menus send to the renderer. */
export type MenuCommand =
  | 'new'
  | 'open'
  | 'save'
  | 'save-as'
  | 'import-onnx'
  | 'export-onnx'
  | 'export-diagram-svg'
  | 'export-diagram-png'
  | 'undo'
  | 'redo'
  | 'cut'
  | 'copy'
  | 'paste'
  | 'select-all'
  | 'zoom-in'
  | 'zoom-out'
  | 'zoom-fit'
  | 'toggle-theme'
  | 'toggle-palette'
  | 'toggle-inspector'
  | 'show-shortcuts'
  | 'about';
