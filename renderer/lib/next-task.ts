// Work split across tasks so the page paints and handles input in between.

/** Runs `f` in a new task (a message, not a timer: timers are clamped once nested); the page paints between. */
export function inNextTask(f: () => void): void {
  if (typeof MessageChannel === 'undefined') {
    setTimeout(f, 0);
    return;
  }
  const ch = new MessageChannel();
  ch.port1.onmessage = () => {
    ch.port1.close();
    f();
  };
  ch.port2.postMessage(0);
}

/** A new task: the page paints and handles input in between. */
export function nextTask(): Promise<void> {
  const s = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof s?.yield === 'function') return s.yield();
  return new Promise((resolve) => inNextTask(resolve));
}
