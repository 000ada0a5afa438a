// The helpers every template family builds with: a builder that places nodes in columns and
// groups them into blocks, the common convolution parameters, and a classifier's ending (logits,
// an int64 label Input, cross-entropy) with its training setup.
import type { DocEdge, DocGroup, DocNode, NetloomDocument } from '../document/schema.ts';

export type Params = Record<string, unknown>;

/** Accumulates nodes, wires and groups, placing nodes top to bottom in columns. */
export class TemplateBuilder {
  readonly nodes: DocNode[] = [];
  readonly edges: DocEdge[] = [];
  readonly groups: DocGroup[] = [];
  private readonly rows = new Map<number, number>();
  group: string | undefined;
  /** The column nodes go to unless they name one (a block laid out in a column of its own). */
  col = 0;

  addGroup(id: string, name: string, description: string, parent?: string, collapsed = false): void {
    this.groups.push({ id, name, collapsed, description, ...(parent ? { parent } : {}) });
  }

  /** Adds a node in column `col` (x = 280·col, default `this.col`), one row below the column's last node. */
  node(
    id: string,
    kind: string,
    params: Params = {},
    opts: { name?: string; col?: number; y?: number } = {},
  ): string {
    const col = opts.col ?? this.col;
    const y = opts.y ?? this.rows.get(col) ?? 0;
    this.rows.set(col, y + 100);
    this.nodes.push({
      id,
      kind,
      ...(opts.name !== undefined ? { name: opts.name } : {}),
      params,
      position: { x: col * 280, y },
      ...(this.group ? { group: this.group } : {}),
    });
    return id;
  }

  /** Wires `from` (node or node:port, port y by default) to `to` (node:port, port x by default). */
  wire(from: string, to: string): void {
    const [sn, sp] = from.includes(':') ? from.split(':') : [from, 'y'];
    const [tn, tp] = to.includes(':') ? to.split(':') : [to, 'x'];
    this.edges.push({
      id: `${sn}:${sp}->${tn}:${tp}`,
      source: { node: sn!, port: sp! },
      target: { node: tn!, port: tp! },
    });
  }

  /** Adds a node fed by `from` on port x. */
  then(
    from: string,
    id: string,
    kind: string,
    params: Params = {},
    opts: { name?: string; col?: number } = {},
  ) {
    this.node(id, kind, params, opts);
    this.wire(from, id);
    return id;
  }

  /** Keeps a column's next row at least at `y` (so a side branch lines up with the main path). */
  alignRow(col: number, y: number): void {
    this.rows.set(col, Math.max(this.rows.get(col) ?? 0, y));
  }

  rowOf(col: number): number {
    return this.rows.get(col) ?? 0;
  }

  document(name: string, description: string, training?: Record<string, unknown>): NetloomDocument {
    return {
      format: 'netloom',
      version: 1,
      name,
      description,
      nodes: this.nodes,
      edges: this.edges,
      groups: this.groups,
      ...(training ? { training } : {}),
    };
  }
}

export const conv = (out: number, k: number, s = 1, p = 0, bias = true): Params => ({
  outChannels: out,
  kernelSize: [k, k],
  stride: [s, s],
  padding: [p, p],
  bias,
});

export function classifierTraining(dataset: string, lr: number, epochs: number, batchSize: number) {
  return {
    dataset,
    batchSize,
    epochs,
    seed: 0,
    validationSplit: 0.2,
    objectives: [{ name: 'main', loss: 'loss', params: 'all', optimizer: { name: 'adam', lr } }],
  };
}

/** Logits → Output, and a CrossEntropy loss against an int64 class-index Input. */
export function addClassifierHead(
  b: TemplateBuilder,
  logits: string,
  labelCol: number,
  labelY: number,
): void {
  b.then(logits, 'logits', 'Output', {}, { name: 'logits' });
  b.node('label', 'Input', { shape: [], dtype: 'int64' }, { name: 'label', col: labelCol, y: labelY });
  b.node('loss', 'CrossEntropy', {}, { col: labelCol });
  b.wire(logits, 'loss:x');
  b.wire('label', 'loss:target');
}

/** The head and the document of a classifier template trained on `training`'s dataset. */
export function classifier(
  b: TemplateBuilder,
  logits: string,
  title: string,
  description: string,
  training: ReturnType<typeof classifierTraining>,
): NetloomDocument {
  addClassifierHead(b, logits, 1, b.rowOf(0) - 100);
  return b.document(title, description, training);
}
