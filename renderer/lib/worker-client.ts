// The page's side of a worker that answers requests (the import and layout workers): it starts
// the worker once, numbers each request, hands each reply to the request with its `id`, and says
// when no answer will come — no Worker on this page (a test's Node), a worker that cannot start or
// that crashed — so that the caller does the work on the page instead. Replies are handed over raw:
// each caller checks its own with its protocol's schema.

export interface WorkerClient {
  /** Starts the worker ahead of its first request (its code takes a moment to load). */
  start(): void;
  /**
   * Sends the request that `request(id)` makes (its `transfer` buffers moved, not copied) and
   * resolves with the raw reply that carries `id`; resolves undefined when the worker cannot
   * answer. Returns undefined at once, without making the request, when no worker runs.
   */
  ask(request: (id: number) => { message: unknown; transfer?: Transferable[] }): Promise<unknown> | undefined;
}

/** A client for the worker `make` starts (`new Worker(new URL(…), …)`, so the bundler finds it). */
export function workerClient(make: () => Worker): WorkerClient {
  let worker: Worker | undefined;
  let broken = false;
  let nextId = 0;
  const waiting = new Map<number, (reply: unknown) => void>();

  function started(): Worker | undefined {
    if (broken || typeof Worker === 'undefined') return undefined;
    if (worker) return worker;
    try {
      const w = make();
      // Only the id is read here: a reply's check is the caller's, in a task of its own.
      w.onmessage = (e: MessageEvent<unknown>) => {
        const id = (e.data as { id?: unknown } | null)?.id;
        const job = typeof id === 'number' ? waiting.get(id) : undefined;
        if (!job) return;
        waiting.delete(id as number);
        job(e.data);
      };
      // A worker that cannot load or crashes: every waiting request is done on the page instead.
      w.onerror = () => {
        broken = true;
        worker = undefined;
        w.terminate();
        for (const job of waiting.values()) job(undefined);
        waiting.clear();
      };
      worker = w;
      return w;
    } catch {
      broken = true;
      return undefined;
    }
  }

  return {
    start() {
      started();
    },
    ask(request) {
      const w = started();
      if (!w) return undefined;
      const id = nextId++;
      const answer = new Promise<unknown>((resolve) => waiting.set(id, resolve));
      const { message, transfer = [] } = request(id);
      w.postMessage(message, transfer);
      return answer;
    },
  };
}
