// Keyboard shortcuts: one table drives both the key handler and this panel.
import type { MenuCommand } from '../../src/document/host.ts';

export interface Shortcut {
  readonly key: string;
  readonly mod?: boolean;
  readonly shift?: boolean;
  readonly command: MenuCommand | 'duplicate' | 'group' | 'layout' | 'delete' | 'gallery';
  readonly label: string;
}

export const shortcuts: readonly Shortcut[] = [
  { key: 'z', mod: true, command: 'undo', label: 'Undo' },
  { key: 'z', mod: true, shift: true, command: 'redo', label: 'Redo' },
  { key: 'y', mod: true, command: 'redo', label: 'Redo' },
  { key: 'c', mod: true, command: 'copy', label: 'Copy (as JSON, works across tabs)' },
  { key: 'x', mod: true, command: 'cut', label: 'Cut' },
  { key: 'v', mod: true, command: 'paste', label: 'Paste' },
  { key: 'd', mod: true, command: 'duplicate', label: 'Duplicate' },
  { key: 'a', mod: true, command: 'select-all', label: 'Select all' },
  { key: 'g', mod: true, command: 'group', label: 'Make a block of the selection' },
  { key: 's', mod: true, command: 'save', label: 'Save' },
  { key: 's', mod: true, shift: true, command: 'save-as', label: 'Save as…' },
  { key: 'o', mod: true, command: 'open', label: 'Open…' },
  { key: 'e', mod: true, command: 'export-onnx', label: 'Export ONNX' },
  { key: 'e', mod: true, shift: true, command: 'export-pytorch', label: 'Export a PyTorch training package' },
  { key: 'l', command: 'layout', label: 'Automatic layout' },
  { key: 'f', command: 'zoom-fit', label: 'Zoom to fit' },
  { key: 't', command: 'gallery', label: 'Templates' },
  { key: '?', shift: true, command: 'show-shortcuts', label: 'This help' },
];

const keyName = (s: Shortcut) =>
  `${s.mod ? 'Ctrl+' : ''}${s.shift && s.key !== '?' ? 'Shift+' : ''}${s.key.toUpperCase()}`;

export function Help(props: { onClose: () => void }) {
  return (
    <div className="modal-backdrop" onClick={props.onClose}>
      <div className="modal help" onClick={(e) => e.stopPropagation()} data-testid="help">
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {shortcuts.map((s) => (
              <tr key={keyName(s) + s.command}>
                <td>
                  <kbd>{keyName(s)}</kbd>
                </td>
                <td>{s.label}</td>
              </tr>
            ))}
            <tr>
              <td>
                <kbd>Delete</kbd>
              </td>
              <td>Delete the selection</td>
            </tr>
            <tr>
              <td>
                <kbd>Double-click</kbd>
              </td>
              <td>Quick-add a layer at that spot</td>
            </tr>
            <tr>
              <td>
                <kbd>A</kbd>
              </td>
              <td>Quick-add a layer under the pointer</td>
            </tr>
            <tr>
              <td>
                <kbd>Shift+drag</kbd>
              </td>
              <td>Box select</td>
            </tr>
          </tbody>
        </table>
        <p className="hint">Ctrl is ⌘ on macOS.</p>
      </div>
    </div>
  );
}
