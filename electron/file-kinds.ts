// Which files the app opens from outside (drop, command line, file association). No imports:
// the sandboxed preload uses it too, and it cannot load node:path.

export const openableExtensions = ['json', 'onnx'] as const;

export function isOpenableFile(nameOrPath: string): boolean {
  return /\.(json|onnx)$/i.test(nameOrPath);
}
