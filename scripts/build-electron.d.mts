// Types for build-electron.mjs, which tests import.

export const electronEntries: readonly { entry: string; file: string }[];

/** Builds dist/electron/{main,preload}.cjs (or into outDir); resolves with their paths. */
export function buildElectron(opts?: { root?: string; outDir?: string; minify?: boolean }): Promise<string[]>;
