// A dialog over the window: Esc, the ✕ button and a click beside it close it.
import { useEffect } from 'react';
import type { ReactNode } from 'react';

export function Modal(props: {
  title: string;
  className: string;
  testId: string;
  onClose: () => void;
  children: ReactNode;
}) {
  const { onClose } = props;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      onClose();
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [onClose]);
  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div
        className={`modal ${props.className}`}
        role="dialog"
        aria-label={props.title}
        onClick={(e) => e.stopPropagation()}
        data-testid={props.testId}
      >
        <header className="modal-head">
          <h2>{props.title}</h2>
          <button className="icon close" onClick={onClose} title="Close (Esc)" data-testid="close-dialog">
            ✕
          </button>
        </header>
        {props.children}
      </div>
    </div>
  );
}
