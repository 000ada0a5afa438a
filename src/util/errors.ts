// Errors are values with a code and a place. Validating a user's graph returns diagnostics;
// throwing is for corrupt files and programmer errors.

export type Severity = 'error' | 'warning';

export type DiagnosticCode =
  | 'unconnected-input'
  | 'cycle'
  | 'shape-mismatch'
  | 'bad-param'
  | 'unknown-kind'
  | 'unknown-port'
  | 'duplicate-id'
  | 'dangling-edge'
  | 'multiple-wires'
  | 'no-output'
  | 'upstream-error'
  | 'group-cycle'
  | 'too-large';

/** A problem in the user's graph, placed on a node (and a field or port when there is one). */
export interface Diagnostic {
  readonly severity: Severity;
  readonly code: DiagnosticCode;
  readonly node?: string;
  readonly field?: string;
  readonly port?: string;
  readonly message: string;
}

export type NetloomErrorCode =
  | 'invalid-file'
  | 'unsupported-version'
  | 'invalid-onnx'
  | 'unsupported-op'
  | 'graph-has-errors'
  | 'bad-argument'
  | 'io'
  | 'runtime';

export class NetloomError extends Error {
  readonly code: NetloomErrorCode;
  /** File path, or a JSON path inside a file, when there is one. */
  readonly path: string | undefined;
  readonly nodeId: string | undefined;
  constructor(code: NetloomErrorCode, message: string, place: { path?: string; nodeId?: string } = {}) {
    super(message);
    this.name = 'NetloomError';
    this.code = code;
    this.path = place.path;
    this.nodeId = place.nodeId;
  }
}

/** Raised inside a layer's lowering when its inputs or params do not fit; caught per node. */
export class LayerError extends Error {
  readonly field: string | undefined;
  readonly port: string | undefined;
  readonly code: DiagnosticCode;
  constructor(message: string, place: { field?: string; port?: string; code?: DiagnosticCode } = {}) {
    super(message);
    this.name = 'LayerError';
    this.field = place.field;
    this.port = place.port;
    this.code = place.code ?? (place.field ? 'bad-param' : 'shape-mismatch');
  }
}
