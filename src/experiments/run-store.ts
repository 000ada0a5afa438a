// The history of a project's runs: start a run (written at once, marked unfinished), add epochs and
// steps as they come, finish it with its final weights; list, read, delete, keep the best N, and
// export/import one run as one file. Each run is a folder `<id>/` holding run.json (the record)
// and weights.safetensors; the documents live once per hash in `documents/<hash>.json`, so a
// hundred runs of the same graph keep one copy of it, and a document that differs a little from an
// earlier run's is kept as what differs: `documents/<hash>.diff.json` names a whole document as its
// base and holds a patch (document-diff.ts); reading rebuilds it and checks its hash. Diffs are one
// level deep (a base is always whole), and a base stays while any kept run's diff needs it.
import { z } from 'zod';
import type { NetloomDocument } from '../document/schema.ts';
import { documentSchema } from '../document/schema.ts';
import { NetloomError } from '../util/errors.ts';
import type { JsonPatch } from './document-diff.ts';
import { applyJsonPatch, diffJson, jsonPatchSchema } from './document-diff.ts';
import type { RunFiles } from './run-files.ts';
import type { RunEpoch, RunRecord, RunSettings, RunStep } from './run-record.ts';
import { addStep, runIdSchema, runRecordSchema, runRecordVersion, runScore } from './run-record.ts';

export interface RunStart {
  readonly document: NetloomDocument;
  readonly source: RunRecord['source'];
  readonly dataset: string;
  readonly backend: string;
  readonly settings: RunSettings;
  readonly params?: number;
  readonly flops?: number;
  readonly searchValues?: RunRecord['searchValues'];
  /** A chosen id (a search names its candidates); otherwise one is made from the time. */
  readonly id?: string;
  readonly now?: () => Date;
}

/** A run in the listing: its record, or why its folder could not be read. */
export type ListedRun =
  | { readonly id: string; readonly record: RunRecord; readonly problem?: undefined }
  | { readonly id: string; readonly record?: undefined; readonly problem: string };

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** SHA-256 (hex) of the document's JSON: Web Crypto, so the same code runs in Node and the browser. */
export function documentHash(doc: NetloomDocument): Promise<string> {
  return sha256Hex(JSON.stringify(doc));
}

function newRunId(at: Date): string {
  const stamp = at.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const rnd = globalThis.crypto.getRandomValues(new Uint8Array(3));
  return `${stamp}-${[...rnd].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}

const runFile = (id: string) => `${id}/run.json`;
const docFile = (hash: string) => `documents/${hash}.json`;
const diffFile = (hash: string) => `documents/${hash}.diff.json`;

const documentDiffSchema = z.object({
  format: z.literal('netloom-document-diff'),
  /** The whole document (documents/<base>.json) the patch applies to. */
  base: z.string().regex(/^[0-9a-f]{64}$/),
  patch: jsonPatchSchema,
});
type DocumentDiff = z.infer<typeof documentDiffSchema>;

async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest('SHA-256', encoder.encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
export const weightsName = 'weights.safetensors';

/** A run in progress: each call rewrites run.json atomically, so a crash leaves the last whole state. */
export class RunRecorder {
  private readonly every = { n: 1 };
  private readonly started: number;
  private readonly clock: () => Date;
  private readonly store: RunStore;
  private writing: Promise<void> = Promise.resolve();
  record: RunRecord;
  constructor(store: RunStore, record: RunRecord, clock: () => Date) {
    this.store = store;
    this.record = record;
    this.clock = clock;
    this.started = clock().getTime();
  }
  get id(): string {
    return this.record.id;
  }
  private seconds(): number {
    return (this.clock().getTime() - this.started) / 1000;
  }
  /** Steps are kept in memory and written with the next epoch (a step is too small to sync for). */
  step(s: RunStep): void {
    addStep(this.record.steps, s, this.every);
  }
  epoch(e: Omit<RunEpoch, 'seconds'> & { seconds?: number }): Promise<void> {
    const seconds = e.seconds ?? this.seconds();
    this.record = {
      ...this.record,
      epochs: [...this.record.epochs, { ...e, seconds }],
      durationSeconds: seconds,
      updatedAt: this.clock().toISOString(),
    };
    return this.save();
  }
  /** Writes the final weights, then the record marked finished (in that order: finished means whole). */
  async finish(end: {
    weights?: Uint8Array;
    stopped?: boolean;
    extra?: Record<string, Uint8Array>;
  }): Promise<void> {
    const files = [...this.record.files];
    if (end.weights) {
      await this.store.files.write(`${this.id}/${weightsName}`, end.weights);
      files.push(weightsName);
    }
    for (const [name, bytes] of Object.entries(end.extra ?? {})) {
      if (!/^[a-z][a-z0-9-]*\.[a-z]+$/.test(name)) throw new Error(`internal: bad run file name ${name}`);
      await this.store.files.write(`${this.id}/${name}`, bytes);
      files.push(name);
    }
    this.record = {
      ...this.record,
      finished: true,
      ...(end.stopped ? { stopped: true } : {}),
      files: [...new Set(files)],
      durationSeconds: this.seconds(),
      updatedAt: this.clock().toISOString(),
    };
    await this.save();
  }
  /** Records why the run failed; it stays unfinished. */
  fail(message: string): Promise<void> {
    this.record = { ...this.record, error: message, updatedAt: this.clock().toISOString() };
    return this.save();
  }
  /** Saves in call order (the app's epochs may come faster than the disk). */
  save(): Promise<void> {
    const record = this.record;
    this.writing = this.writing.then(() => this.store.writeRecord(record));
    return this.writing;
  }
}

export class RunStore {
  readonly files: RunFiles;
  constructor(files: RunFiles) {
    this.files = files;
  }

  /** Records a new run: the document (once per hash) and run.json marked unfinished. */
  async start(s: RunStart): Promise<RunRecorder> {
    const clock = s.now ?? (() => new Date());
    const at = clock();
    const id = s.id !== undefined ? runIdSchema.parse(s.id) : newRunId(at);
    if (await this.files.read(runFile(id)))
      throw new NetloomError('bad-argument', `a run named '${id}' exists already`, { path: id });
    const hash = await documentHash(s.document);
    await this.storeDocument(s.document, hash);
    const record: RunRecord = {
      format: 'netloom-run',
      version: runRecordVersion,
      id,
      name: s.document.name,
      source: s.source,
      startedAt: at.toISOString(),
      updatedAt: at.toISOString(),
      finished: false,
      documentHash: hash,
      dataset: s.dataset,
      backend: s.backend,
      settings: s.settings,
      epochs: [],
      steps: [],
      durationSeconds: 0,
      ...(s.params !== undefined ? { params: s.params } : {}),
      ...(s.flops !== undefined ? { flops: s.flops } : {}),
      ...(s.searchValues ? { searchValues: s.searchValues } : {}),
      files: [],
    };
    const recorder = new RunRecorder(this, record, clock);
    await recorder.save();
    return recorder;
  }

  /**
   * Keeps the document once: nothing when its hash is stored, else as a diff against the document of
   * the newest run of the same project (its base, when that one is itself a diff) when the diff is
   * smaller than the whole, else whole.
   */
  private async storeDocument(doc: NetloomDocument, hash: string): Promise<void> {
    if ((await this.files.read(docFile(hash))) || (await this.files.read(diffFile(hash)))) return;
    const whole = JSON.stringify(doc);
    const base = await this.baseFor(doc.name).catch(() => undefined);
    if (base) {
      const patch = diffJson(
        base.json as Parameters<typeof diffJson>[0],
        JSON.parse(whole) as Parameters<typeof diffJson>[1],
      );
      if (patch) {
        const diff: DocumentDiff = { format: 'netloom-document-diff', base: base.hash, patch };
        const text = JSON.stringify(diff);
        if (text.length < whole.length) {
          await this.files.write(diffFile(hash), encoder.encode(text));
          return;
        }
      }
    }
    await this.files.write(docFile(hash), encoder.encode(whole));
  }

  /** The whole stored document a new document of project `name` is diffed against, if any. */
  private async baseFor(name: string): Promise<{ hash: string; json: unknown } | undefined> {
    const latest = (await this.list()).find((l) => l.record?.name === name)?.record;
    if (!latest) return undefined;
    let hash = latest.documentHash;
    let bytes = await this.files.read(docFile(hash));
    if (!bytes) {
      const diff = await this.files.read(diffFile(hash));
      const parsed = diff && documentDiffSchema.safeParse(JSON.parse(decoder.decode(diff)));
      if (!parsed?.success) return undefined;
      hash = parsed.data.base;
      bytes = await this.files.read(docFile(hash));
    }
    if (!bytes) return undefined;
    const text = decoder.decode(bytes);
    // A base whose bytes no longer hash to its name would rebuild wrong documents: not a base.
    if ((await sha256Hex(text)) !== hash) return undefined;
    return { hash, json: JSON.parse(text) as unknown };
  }

  async writeRecord(r: RunRecord): Promise<void> {
    await this.files.write(runFile(r.id), encoder.encode(JSON.stringify(r, null, 1)));
  }

  /** Every run, newest first; a folder whose run.json is missing or malformed is listed with why. */
  async list(): Promise<ListedRun[]> {
    const out: ListedRun[] = [];
    for (const name of await this.files.list('')) {
      if (name === 'documents' || !runIdSchema.safeParse(name).success) continue;
      try {
        out.push({ id: name, record: await this.read(name) });
      } catch (e) {
        out.push({ id: name, problem: e instanceof Error ? e.message : String(e) });
      }
    }
    return out.sort(
      (a, b) =>
        (b.record?.startedAt ?? '').localeCompare(a.record?.startedAt ?? '') || b.id.localeCompare(a.id),
    );
  }

  async read(id: string): Promise<RunRecord> {
    runIdSchema.parse(id);
    const bytes = await this.files.read(runFile(id));
    if (!bytes) throw new NetloomError('invalid-file', `${runFile(id)}: no such run`, { path: runFile(id) });
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(bytes));
    } catch (e) {
      throw new NetloomError('invalid-file', `${runFile(id)}: not JSON (${(e as Error).message})`, {
        path: runFile(id),
      });
    }
    const parsed = runRecordSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new NetloomError(
        'invalid-file',
        `${runFile(id)}: ${issue.path.join('.') || 'record'}: ${issue.message}`,
        { path: runFile(id) },
      );
    }
    if (parsed.data.id !== id)
      throw new NetloomError('invalid-file', `${runFile(id)}: its id says '${parsed.data.id}'`, {
        path: runFile(id),
      });
    return parsed.data;
  }

  /** The document a run trained, as it was. */
  async document(r: RunRecord): Promise<NetloomDocument> {
    let path = docFile(r.documentHash);
    const bytes = await this.files.read(path);
    let json: unknown;
    if (bytes) {
      try {
        json = JSON.parse(decoder.decode(bytes));
      } catch {
        throw new NetloomError('invalid-file', `${path}: not JSON (the document of run ${r.id})`, { path });
      }
    } else {
      path = diffFile(r.documentHash);
      json = await this.rebuild(r, path);
    }
    const parsed = documentSchema.safeParse(json);
    if (!parsed.success) throw new NetloomError('invalid-file', `${path}: not a Netloom document`, { path });
    return parsed.data as NetloomDocument;
  }

  /** A document kept as a diff, rebuilt on its base and checked against the run's hash. */
  private async rebuild(r: RunRecord, path: string): Promise<unknown> {
    const broken = (why: string) =>
      new NetloomError('invalid-file', `${path}: the document of run ${r.id} cannot be rebuilt: ${why}`, {
        path,
      });
    const bytes = await this.files.read(path);
    if (!bytes)
      throw new NetloomError(
        'invalid-file',
        `${docFile(r.documentHash)}: the document of run ${r.id} is missing`,
        { path: docFile(r.documentHash) },
      );
    let diff: DocumentDiff;
    try {
      const parsed = documentDiffSchema.safeParse(JSON.parse(decoder.decode(bytes)));
      if (!parsed.success) throw new Error(parsed.error.issues[0]!.message);
      diff = parsed.data;
    } catch (e) {
      throw broken(`not a document diff (${(e as Error).message})`);
    }
    const baseBytes = await this.files.read(docFile(diff.base));
    if (!baseBytes) throw broken(`its base documents/${diff.base}.json is missing`);
    let text: string;
    try {
      const base = JSON.parse(decoder.decode(baseBytes)) as Parameters<typeof applyJsonPatch>[0];
      text = JSON.stringify(applyJsonPatch(base, diff.patch as JsonPatch));
    } catch (e) {
      throw broken((e as Error).message);
    }
    if ((await sha256Hex(text)) !== r.documentHash)
      throw broken(
        'the rebuilt document does not match the hash the run recorded (the diff or its base is damaged)',
      );
    return JSON.parse(text) as unknown;
  }

  /** The run's final weights (safetensors bytes), when it finished with them. */
  async weights(r: RunRecord): Promise<Uint8Array | undefined> {
    return r.files.includes(weightsName) ? this.files.read(`${r.id}/${weightsName}`) : undefined;
  }

  /** One of the run's own files (picture.png), when the record lists it; a name outside the run is refused. */
  async file(r: RunRecord, name: string): Promise<Uint8Array | undefined> {
    if (!/^[a-z][a-z0-9-]*\.[a-z]+$/.test(name) || !r.files.includes(name)) return undefined;
    return this.files.read(`${runIdSchema.parse(r.id)}/${name}`);
  }

  /** Bytes on disk for the run (its folder; its document is shared and counted apart). */
  async size(id: string): Promise<number> {
    runIdSchema.parse(id);
    return this.files.size(id);
  }

  /**
   * Deletes runs, then every stored document no remaining run refers to, keeping each base a
   * remaining run's diff is built on (its own run may be gone). An unreadable run folder keeps
   * every document: what it needs is unknown.
   */
  async delete(ids: readonly string[]): Promise<void> {
    for (const id of ids) await this.files.remove(runIdSchema.parse(id));
    const listed = await this.list();
    if (listed.some((l) => !l.record)) return;
    const kept = new Set(listed.flatMap((l) => (l.record ? [l.record.documentHash] : [])));
    for (const hash of [...kept]) {
      const bytes = await this.files.read(diffFile(hash));
      if (!bytes) continue;
      let base: string | undefined;
      try {
        base = documentDiffSchema.parse(JSON.parse(decoder.decode(bytes))).base;
      } catch {
        return; // a damaged diff: keep everything rather than guess
      }
      kept.add(base);
    }
    for (const name of await this.files.list('documents')) {
      const hash = name.replace(/(\.diff)?\.json$/, '');
      if (!kept.has(hash)) await this.files.remove(`documents/${name}`).catch(() => undefined);
    }
  }

  /**
   * Keeps the best `n` finished runs by validation error (runScore) and deletes the other finished
   * ones; unfinished runs are left (one may still be running). Returns the deleted ids.
   */
  async keepBest(n: number): Promise<string[]> {
    const finished = (await this.list()).flatMap((l) => (l.record?.finished ? [l.record] : []));
    const ranked = [...finished].sort((a, b) => runScore(a) - runScore(b));
    const gone = ranked.slice(Math.max(0, n)).map((r) => r.id);
    await this.delete(gone);
    return gone;
  }

  /** One run as one file: its record, its document and its files (base64), for another machine. */
  async exportRun(id: string): Promise<Uint8Array> {
    const record = await this.read(id);
    const files: Record<string, string> = {};
    for (const f of record.files) {
      const b = await this.files.read(`${id}/${f}`);
      if (b) files[f] = toBase64(b);
    }
    const bundle: RunBundle = {
      format: 'netloom-run-bundle',
      record,
      document: await this.document(record),
      files,
    };
    return encoder.encode(JSON.stringify(bundle));
  }

  /** Imports a bundle from exportRun; a run of the same id is kept and the import gets a new id. */
  async importRun(bytes: Uint8Array, path = 'run file'): Promise<RunRecord> {
    let json: unknown;
    try {
      json = JSON.parse(decoder.decode(bytes));
    } catch {
      throw new NetloomError('invalid-file', `${path}: not a Netloom run file (not JSON)`, { path });
    }
    const parsed = runBundleSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new NetloomError(
        'invalid-file',
        `${path}: not a Netloom run file (${issue.path.join('.') || 'file'}: ${issue.message})`,
        { path },
      );
    }
    const { record, document, files } = parsed.data;
    const doc = document as NetloomDocument;
    const hash = await documentHash(doc);
    let id = record.id;
    for (let k = 2; await this.files.read(runFile(id)); k++) id = `${record.id.slice(0, 70)}-${k}`;
    for (const [name, b64] of Object.entries(files)) {
      if (!record.files.includes(name) || !/^[a-z][a-z0-9-]*\.[a-z]+$/.test(name))
        throw new NetloomError('invalid-file', `${path}: unexpected file '${name}' in the run`, { path });
      await this.files.write(`${id}/${name}`, fromBase64(b64));
    }
    await this.storeDocument(doc, hash);
    const imported: RunRecord = {
      ...record,
      id,
      documentHash: hash,
      files: record.files.filter((f) => f in files),
    };
    await this.writeRecord(imported);
    return imported;
  }
}

const runBundleSchema = z.object({
  format: z.literal('netloom-run-bundle'),
  record: runRecordSchema,
  document: documentSchema,
  files: z.record(z.string(), z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/)),
});
type RunBundle = z.infer<typeof runBundleSchema>;

function toBase64(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 0x8000) s += String.fromCharCode(...b.subarray(i, i + 0x8000));
  return btoa(s);
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
