// What the browser benchmark measures inside the page, installed before the app loads
// (page.addInitScript). Plain JavaScript read as text: tsx would wrap functions that Node hands to
// the page in helpers the page does not have.
/* global window, document, requestAnimationFrame, MouseEvent, WheelEvent, HTMLInputElement */
(() => {
  const probes = {
    /** Every long task (over 50 ms) since the page started: { start, end, duration } in page time. */
    longTasks: [],
    /** When the last pointerdown reached the page (a click's start). */
    pointerDownAt: 0,
  };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      probes.longTasks.push({ start: e.startTime, end: e.startTime + e.duration, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  window.addEventListener('pointerdown', () => (probes.pointerDownAt = performance.now()), true);

  const frame = () => new Promise((r) => requestAnimationFrame(r));
  /** Resolves after the next frame has been produced: a task queued from its rAF runs after paint. */
  probes.afterPaint = () =>
    new Promise((r) =>
      requestAnimationFrame(() => {
        const ch = new MessageChannel();
        ch.port1.onmessage = () => r(performance.now());
        ch.port2.postMessage(0);
      }),
    );
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  /** Polls `test` once a frame until it holds; the time it first held, or throws after `timeoutMs`. */
  probes.until = async (test, timeoutMs = 60000) => {
    const t0 = performance.now();
    for (;;) {
      if (test()) return performance.now();
      if (performance.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms`);
      await frame();
    }
  };

  const totalsText = () => document.querySelector('[data-testid="totals"]')?.textContent ?? '';
  probes.totalsText = totalsText;
  probes.nodeCount = () => document.querySelectorAll('.react-flow__node').length;
  /** Whether the graph is drawn: as React Flow nodes, or as boxes on the level-of-detail canvas. */
  probes.graphShown = () =>
    probes.nodeCount() > 0 || document.querySelector('[data-testid="lod-canvas"]') !== null;
  probes.elementCount = () => document.getElementsByTagName('*').length;

  /** Longest task that started at or after `since` (0 when there was none). */
  probes.longestSince = (since) =>
    probes.longTasks.filter((t) => t.start >= since).reduce((m, t) => Math.max(m, t.duration), 0);

  /**
   * After a file was handed to Open… at `t0`: when the graph's nodes were painted, when the totals
   * read `expected`, and when the page went idle (no long task for `quietMs` after both).
   */
  probes.openTimes = async (t0, expected, quietMs = 1000) => {
    await probes.until(() => probes.graphShown() && performance.now() > t0, 120000);
    const shown = await probes.afterPaint();
    await probes.until(() => totalsText().includes(expected), 120000);
    const totals = await probes.afterPaint();
    for (;;) {
      const lastEnd = probes.longTasks.reduce((m, t) => Math.max(m, t.end), 0);
      const since = Math.max(lastEnd, totals);
      if (performance.now() - since >= quietMs) {
        return { shown: shown - t0, totals: totals - t0, idle: since - t0, longest: probes.longestSince(t0) };
      }
      await sleep(100);
    }
  };

  /** The canvas's pan and zoom, read from React Flow's viewport element. */
  const viewport = () => {
    const m = /translate\(([-\d.e]+)px,\s*([-\d.e]+)px\)\s*scale\(([-\d.e]+)\)/.exec(
      document.querySelector('.react-flow__viewport')?.style.transform ?? '',
    );
    return m ? { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) } : { x: 0, y: 0, zoom: 1 };
  };

  /**
   * Of `candidates` ({ id, x, y } in canvas coordinates: a point inside each node), the one whose
   * point is on screen nearest the canvas's centre, with that point in page coordinates.
   */
  probes.nearestOnScreen = (candidates) => {
    const box = document.querySelector('.react-flow').getBoundingClientRect();
    const v = viewport();
    let best;
    let bestD = Infinity;
    for (const c of candidates) {
      const x = box.left + v.x + c.x * v.zoom;
      const y = box.top + v.y + c.y * v.zoom;
      if (x < box.left || x > box.right || y < box.top || y > box.bottom) continue;
      const d = Math.hypot(x - (box.left + box.width / 2), y - (box.top + box.height / 2));
      if (d < bestD) {
        bestD = d;
        best = { id: c.id, x, y };
      }
    }
    return best;
  };

  /** Time from the click's pointerdown until the inspector shows `title` and has been painted. */
  probes.selectTime = async (title) => {
    await probes.until(
      () => document.querySelector('[data-testid="inspector"] h3')?.textContent === title,
      120000,
    );
    return (await probes.afterPaint()) - probes.pointerDownAt;
  };

  /**
   * Types `value` into the inspector's `field` as one input event (what a keystroke does) and times
   * it until the totals read `expected` and that frame has been painted.
   */
  probes.editTime = async (field, value, expected) => {
    const input = document.querySelector(`[data-testid="inspector"] [data-field="${field}"]`);
    if (!input) throw new Error(`no inspector field ${field}`);
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
    const t0 = performance.now();
    setValue.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    // The edit's own work (the lowering, React's render and commit, in the event's task), apart
    // from the frame that paints it.
    probes.lastEditTaskMs = performance.now() - t0;
    await probes.until(() => totalsText().includes(expected), 180000);
    return (await probes.afterPaint()) - t0;
  };
  /** How long the last editTime's input event took to handle (its task's script), in ms. */
  probes.lastEditTaskMs = 0;
  probes.editTaskMs = () => probes.lastEditTaskMs;

  /**
   * The same measure as editTime with no work of the app's: a text changed in a small element of
   * the page, timed until that frame has been painted. An edit cannot be painted sooner than this
   * (the wait for the next frame is in both).
   */
  probes.paintFloor = async () => {
    let el = document.getElementById('bench-paint-floor');
    if (!el) {
      el = document.createElement('div');
      el.id = 'bench-paint-floor';
      el.style.cssText = 'position:fixed;left:0;bottom:0;font-size:9px;opacity:0.01;pointer-events:none';
      document.body.appendChild(el);
    }
    const t0 = performance.now();
    el.textContent = String(t0);
    return (await probes.afterPaint()) - t0;
  };

  const viewportTransform = () => document.querySelector('.react-flow__viewport')?.style.transform ?? '';

  /**
   * Frames per second while the canvas is dragged (pan) or wheeled (zoom) for `ms`: one input event
   * per frame, as a browser delivers pointer moves, so a slow frame slows the gesture.
   */
  probes.gestureFps = async (kind, ms = 2000) => {
    const pane = document.querySelector('.react-flow__pane');
    const r = pane.getBoundingClientRect();
    // Near the pane's left edge: the fitted view leaves a margin there, so the press lands on empty
    // canvas (a press on a node, or on a box at low zoom, would drag it instead of the view).
    let x = kind === 'pan' ? r.left + 12 : r.left + r.width / 2;
    const y = r.top + r.height / 2;
    const mouse = (type, target, buttons) =>
      target.dispatchEvent(
        new MouseEvent(type, {
          bubbles: true,
          cancelable: true,
          view: window,
          clientX: x,
          clientY: y,
          button: 0,
          buttons,
        }),
      );
    const before = viewportTransform();
    if (kind === 'pan') mouse('mousedown', pane, 1);
    await frame();
    const t0 = performance.now();
    let frames = 0;
    let worst = 0;
    let last = t0;
    let moved = false;
    for (;;) {
      const now = await frame();
      moved ||= viewportTransform() !== before;
      worst = Math.max(worst, now - last);
      last = now;
      if (now - t0 >= ms) break;
      frames++;
      const phase = Math.floor(frames / 30) % 2 === 0 ? 1 : -1;
      if (kind === 'pan') {
        x += 12 * phase;
        mouse('mousemove', window, 1);
      } else {
        pane.dispatchEvent(
          new WheelEvent('wheel', {
            bubbles: true,
            cancelable: true,
            view: window,
            clientX: x,
            clientY: y,
            deltaY: -60 * phase,
          }),
        );
      }
    }
    if (kind === 'pan') mouse('mouseup', window, 0);
    return { fps: (frames * 1000) / (last - t0), worstFrame: worst, moved };
  };

  window.__probes = probes;
})();
