// A folder of the user's images in the page: a ChosenFolder (the desktop app's folder dialog,
// the browser's directory picker, a dropped folder) decoded with createImageBitmap and a canvas,
// then made into a dataset by the core (resized to the Input, standardised, bad files named).
import type { ChosenFolder } from '../../src/host/host.ts';
import type { ImageFile, ImageFolder } from '../../src/runtime/datasets/image-folder.ts';
import { imageFolderDataset, isCandidateFile } from '../../src/runtime/datasets/image-folder.ts';

/** The files of the class sub-folders ("class/name"), hidden ones left out. */
export function folderImageFiles(folder: ChosenFolder): ImageFile[] {
  const out: ImageFile[] = [];
  for (const path of folder.files) {
    const [cls, name, ...deeper] = path.split('/');
    if (!cls || !name || deeper.length > 0 || cls.startsWith('.') || !isCandidateFile(name)) continue;
    out.push({ className: cls, path, read: () => folder.read(path) });
  }
  return out;
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
  folder: ChosenFolder,
  shape: readonly number[],
  normalize: boolean,
  onProgress?: (done: number, total: number) => void,
): Promise<ImageFolder> {
  return imageFolderDataset(folderImageFiles(folder), (bytes) => decode(bytes), {
    shape,
    name: folder.name || 'images',
    normalize,
    ...(onProgress ? { onProgress } : {}),
  });
}
