// A folder of the user's images in the browser: the files of a directory picker (or a dropped
// folder) grouped by their class sub-folder, decoded with createImageBitmap and a canvas, then
// made into a dataset by the core (resized to the Input, standardised, bad files named).
import type { ImageFile, ImageFolder } from '../../src/runtime/datasets/image-folder.ts';
import { imageFolderDataset, isCandidateFile } from '../../src/runtime/datasets/image-folder.ts';

/** Files picked with <input webkitdirectory>: "root/class/name" → class "class"; others ignored. */
export function folderFiles(files: readonly File[]): { root: string; files: ImageFile[] } {
  const out: ImageFile[] = [];
  let root = '';
  for (const f of files) {
    const parts = (f.webkitRelativePath || f.name).split('/');
    if (parts.length !== 3 || !isCandidateFile(parts[2]!) || parts[1]!.startsWith('.')) continue;
    root = parts[0]!;
    out.push({
      className: parts[1]!,
      path: `${parts[1]}/${parts[2]}`,
      read: async () => new Uint8Array(await f.arrayBuffer()),
    });
  }
  return { root, files: out };
}

async function decode(
  bytes: Uint8Array,
): Promise<{ width: number; height: number; rgba: Uint8ClampedArray }> {
  const bitmap = await createImageBitmap(new Blob([bytes as BlobPart]));
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bitmap, 0, 0);
    return {
      width: bitmap.width,
      height: bitmap.height,
      rgba: ctx.getImageData(0, 0, bitmap.width, bitmap.height).data,
    };
  } finally {
    bitmap.close();
  }
}

export async function loadFolder(
  files: readonly File[],
  shape: readonly number[],
  normalize: boolean,
  onProgress?: (done: number, total: number) => void,
): Promise<ImageFolder> {
  const { root, files: images } = folderFiles(files);
  return imageFolderDataset(images, (bytes) => decode(bytes), {
    shape,
    name: root || 'images',
    normalize,
    ...(onProgress ? { onProgress } : {}),
  });
}
