// The CLI's run store on disk: `<project>.runs/` beside the project file. The folder code lives in
// src/host/run-folder.ts, which the desktop app's main process uses too (one layout for both).
import { folderFiles, runsFolderFor } from '../host/run-folder.ts';
import type { RunFiles } from './run-files.ts';

export function nodeRunFiles(root: string): RunFiles {
  return folderFiles(root);
}

export { runsFolderFor };
