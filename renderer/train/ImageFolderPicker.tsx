// The Train panel's image folder: "Choose folder…" (the desktop app's folder dialog, the browser's
// directory picker, both through the Host) or a folder dropped on the zone; then the class
// counts, the files that could not be used, and a preview grid across the classes.
import { useEffect, useRef, useState } from 'react';
import type { ChosenFolder } from '../../src/host/host.ts';
import type { ImageFolder } from '../../src/runtime/datasets/image-folder.ts';
import { describeBadImages } from '../../src/runtime/datasets/image-folder.ts';
import { subset } from '../../src/runtime/datasets/dataset.ts';
import { displayImages } from '../../src/runtime/training-pictures.ts';
import { currentHost } from '../host/browser-host.ts';
import { folderFromDrop } from '../host/chosen-folder.ts';
import { drawPreview } from './pictures.ts';

const previewCount = 16;

function Preview(props: { folder: ImageFolder }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const d = props.folder.dataset;
  const count = Math.min(previewCount, d.size);
  useEffect(() => {
    if (!canvas.current) return;
    // Spread over the set (it is in class order), so every class shows.
    const shown = subset(
      d,
      Array.from({ length: count }, (_, i) => Math.floor((i * d.size) / count)),
    );
    const { pixels, channels } = displayImages(shown, count);
    const names = Array.from(shown.y, (c) => shown.classNames?.[c] ?? String(c));
    drawPreview(canvas.current, pixels, count, d.featureShape[1]!, d.featureShape[2]!, channels, names);
  }, [props.folder]);
  return (
    <canvas
      ref={canvas}
      width={288}
      height={36 * Math.ceil(count / 8)}
      className="picture strip"
      data-testid="train-folder-preview"
    />
  );
}

export function ImageFolderPicker(props: {
  folder: ImageFolder | undefined;
  /** While the images are read: what to say. */
  note: string | undefined;
  disabled: boolean;
  /** A folder the user chose or dropped (a promise: a drop is walked after the event). */
  onFolder: (folder: Promise<ChosenFolder | undefined>) => void;
}) {
  const { folder, disabled } = props;
  const [over, setOver] = useState(false);
  return (
    <>
      <div
        className={`drop-zone${over ? ' over' : ''}`}
        data-testid="train-folder-drop"
        onDragOver={(e) => {
          if (disabled || !e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          setOver(false);
          if (disabled) return;
          // The entries must be taken now, while the drop is being handled.
          const dropped = folderFromDrop(e.dataTransfer.items);
          if (!dropped) return;
          e.preventDefault();
          props.onFolder(dropped);
        }}
      >
        <button
          disabled={disabled}
          data-testid="train-folder"
          onClick={() => props.onFolder(currentHost().chooseFolder())}
        >
          Choose folder…
        </button>
        <span>or drop a folder here: one sub-folder of PNG or JPEG images per class</span>
      </div>
      {props.note && <p className="caption">{props.note}</p>}
      {folder && (
        <>
          <p className="caption" data-testid="train-folder-summary">
            {folder.dataset.size} images in {folder.counts.length} classes:{' '}
            {(folder.dataset.classNames ?? []).map((n, k) => `${n} ${folder.counts[k]}`).join(', ')}
          </p>
          {folder.bad.length > 0 && (
            <p className="caption" data-testid="train-folder-bad">
              {describeBadImages(folder.bad)}
            </p>
          )}
          <Preview folder={folder} />
        </>
      )}
    </>
  );
}
