export type PythonModule = 'onnx' | 'numpy' | 'torch' | 'torchvision';

export interface PythonCandidate {
  readonly path: string;
  readonly runs: boolean;
  /** Why it does not run, when it does not. */
  readonly problem?: string;
  readonly version?: string;
  /** Each reference module's version, or null where it does not import. */
  readonly modules: Readonly<Record<string, string | null>>;
  readonly errors: Readonly<Record<string, string>>;
}

export interface FoundReferences {
  readonly python: {
    readonly from: 'NETLOOM_PYTHON' | 'PATH';
    readonly candidates: readonly PythonCandidate[];
  };
  readonly chromium:
    | { readonly path: string; readonly from: string; readonly problem?: undefined }
    | { readonly path: null; readonly from?: undefined; readonly problem: string };
}

export interface MissingReference {
  readonly name: string;
  readonly reason: string;
}

export declare const referenceList: {
  readonly debianPackages: readonly string[];
  readonly pythonModules: Readonly<Record<PythonModule, { readonly debian: string; readonly pip: string }>>;
  readonly pythonNames: readonly string[];
  readonly chromium: { readonly debian: string; readonly names: readonly string[] } & Readonly<
    Record<string, readonly string[] | string>
  >;
};

type Env = Readonly<Record<string, string | undefined>>;

export declare function referencesRequired(env?: Env): boolean;
export declare function onPath(names: readonly string[], env?: Env): string[];
export declare function findPythons(env?: Env): FoundReferences['python'];
export declare function findChromium(env?: Env): FoundReferences['chromium'];
export declare function findReferences(env?: Env): FoundReferences;
export declare function pythonWith(
  found: Pick<FoundReferences, 'python'>,
  modules: readonly PythonModule[],
): string | undefined;
export declare function pythonMissingReason(
  found: Pick<FoundReferences, 'python'>,
  modules: readonly PythonModule[],
): string;
export declare function chromiumMissingReason(found: Pick<FoundReferences, 'chromium'>): string;
export declare function missingReferences(found: FoundReferences): MissingReference[];
export declare function describeFound(found: FoundReferences): string[];
export declare function describeReferences(found: FoundReferences): string[];
export declare function installReferences(env?: Env): void;
