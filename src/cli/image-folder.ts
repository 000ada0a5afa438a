// Reading an image folder from disk for `netloom train --dataset path/to/folder`: one sub-folder
// per class, decoded with pure-JavaScript PNG and JPEG decoders (no native binaries).
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import type { DecodedImage, ImageFile, ImageFolder } from '../runtime/datasets/image-folder.ts';
import { imageFolderDataset, isCandidateFile } from '../runtime/datasets/image-folder.ts';
import { NetloomError } from '../util/errors.ts';
import type { CliIO } from './io.ts';
import { fileError } from './io.ts';

/** PNG or JPEG by their signatures (whatever the file's extension says), as RGBA bytes. */
export function decodeImage(bytes: Uint8Array): DecodedImage {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    return { width: png.width, height: png.height, rgba: png.data };
  }
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) {
    const img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: 64,
      maxMemoryUsageInMB: 512,
    });
    return { width: img.width, height: img.height, rgba: img.data };
  }
  throw new Error('the content is neither PNG nor JPEG');
}

export function isFolder(io: CliIO, path: string): boolean {
  try {
    return statSync(resolve(io.cwd, path)).isDirectory();
  } catch {
    return false;
  }
}

/** Every file in the folder's sub-folders (files beside the sub-folders, such as a README, are left alone). */
export function listImageFolder(io: CliIO, path: string): ImageFile[] {
  const root = resolve(io.cwd, path);
  const list = (dir: string, shown: string) => {
    try {
      return readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch (e) {
      throw fileError(shown, 'read', e);
    }
  };
  const files: ImageFile[] = [];
  for (const cls of list(root, path)) {
    if (!cls.isDirectory() || cls.name.startsWith('.')) continue;
    for (const f of list(join(root, cls.name), join(path, cls.name))) {
      if (!f.isFile() || !isCandidateFile(f.name)) continue;
      const shown = `${cls.name}/${f.name}`;
      files.push({ className: cls.name, path: shown, read: () => io.readFile(join(path, cls.name, f.name)) });
    }
  }
  if (files.length === 0) {
    throw new NetloomError(
      'invalid-file',
      `${path}: no class sub-folders with files; an image folder holds one sub-folder per class (e.g. ${path}/cats/001.png, ${path}/dogs/001.jpg)`,
      { path },
    );
  }
  return files;
}

export async function loadImageFolder(
  io: CliIO,
  path: string,
  shape: readonly number[],
  normalize: boolean,
): Promise<ImageFolder> {
  return imageFolderDataset(listImageFolder(io, path), decodeImage, {
    shape,
    name: basename(resolve(io.cwd, path)),
    normalize,
  });
}
