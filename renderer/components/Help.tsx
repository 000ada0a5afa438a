// Keyboard shortcuts: the command table (src/host/commands.ts) drives both the key handler and
// this panel; the canvas's own gestures follow.
import { chordName, commandList } from '../../src/host/commands.ts';
import { Modal } from './Modal.tsx';

const rows = commandList.flatMap((c) =>
  (c.keys ?? []).map((k) => ({ key: chordName(k), text: c.help ?? c.label })),
);

export function Help(props: { onClose: () => void }) {
  return (
    <Modal title="Keyboard shortcuts" className="help" testId="help" onClose={props.onClose}>
      <table>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key}>
              <td>
                <kbd>{r.key}</kbd>
              </td>
              <td>{r.text}</td>
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
    </Modal>
  );
}
