// A right-click menu over the canvas (a wire's, a layer's or a block's): one look for all of them,
// closed by Esc, by a press anywhere outside it, or by picking an item. Items name their shortcut,
// so the menu teaches the keys that do the same.
import { useEffect, useRef } from 'react';

export interface MenuItem {
  readonly label: string;
  /** The shortcut, as Help shows it. */
  readonly keys?: string | undefined;
  readonly disabled?: boolean;
  readonly run: () => void;
  /** A line above this item: the menu's sections (edit, blocks, training). */
  readonly separated?: boolean;
}

export function ContextMenu(props: {
  x: number;
  y: number;
  testId: string;
  title?: string | undefined;
  items: readonly MenuItem[];
  onClose: () => void;
}) {
  const { onClose } = props;
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.stopPropagation();
      onClose();
    };
    const onPress = (e: PointerEvent) => {
      if (!box.current?.contains(e.target as globalThis.Node)) onClose();
    };
    window.addEventListener('keydown', onKey, true);
    window.addEventListener('pointerdown', onPress, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      window.removeEventListener('pointerdown', onPress, true);
    };
  }, [onClose]);
  // Kept inside the window: a menu opened near the right or bottom edge opens leftward or upward.
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const r = el.getBoundingClientRect();
    if (r.right > window.innerWidth) el.style.left = `${Math.max(0, props.x - r.width)}px`;
    if (r.bottom > window.innerHeight) el.style.top = `${Math.max(0, window.innerHeight - r.height - 4)}px`;
  }, [props.x, props.y]);
  return (
    <div
      ref={box}
      className="context-menu"
      role="menu"
      style={{ left: props.x, top: props.y }}
      data-testid={props.testId}
      onContextMenu={(e) => e.preventDefault()}
    >
      {props.title && <div className="menu-title">{props.title}</div>}
      {props.items.map((item) => (
        <button
          key={item.label}
          role="menuitem"
          className={item.separated ? 'separated' : undefined}
          disabled={item.disabled}
          onClick={() => {
            onClose();
            item.run();
          }}
        >
          <span>{item.label}</span>
          {item.keys && <kbd>{item.keys}</kbd>}
        </button>
      ))}
    </div>
  );
}
