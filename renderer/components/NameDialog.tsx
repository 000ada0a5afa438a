// Asks for a name inside the window (Electron does not implement window.prompt): Enter or OK
// takes it, Esc or Cancel leaves things as they were.
import { useEffect, useRef, useState } from 'react';
import { Modal } from './Modal.tsx';

export function NameDialog(props: {
  title: string;
  initial: string;
  onDone: (name: string | undefined) => void;
}) {
  const [name, setName] = useState(props.initial);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  const ok = name.trim() !== '';
  return (
    <Modal
      title={props.title}
      className="name-dialog"
      testId="name-dialog"
      onClose={() => props.onDone(undefined)}
    >
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (ok) props.onDone(name.trim());
        }}
      >
        <input ref={input} value={name} onChange={(e) => setName(e.target.value)} data-testid="name-input" />
        <div className="buttons">
          <button type="button" onClick={() => props.onDone(undefined)}>
            Cancel
          </button>
          <button type="submit" disabled={!ok} data-testid="name-ok">
            OK
          </button>
        </div>
      </form>
    </Modal>
  );
}
