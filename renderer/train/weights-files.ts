// The trained weights in and out of files, through the Host: a trained ONNX export, and the
// safetensors sidecar (torch's state_dict names) saved and loaded beside the project file.
import type { NetloomDocument } from '../../src/document/schema.ts';
import { exportDocument } from '../../src/onnx/from-document.ts';
import {
  decodeSafetensors,
  nonFiniteWarning,
  weightsFileBytes,
  weightsForModel,
} from '../../src/ir/weights-file.ts';
import { currentHost } from '../host/browser-host.ts';
import { lowerCached } from '../store/lowering-store.ts';

type Weights = Readonly<Record<string, Float32Array>>;

const stem = (doc: NetloomDocument): string => doc.name.replace(/[^\w.-]+/g, '-');

export async function exportTrainedOnnx(doc: NetloomDocument, weights: Weights | undefined): Promise<void> {
  const { bytes } = exportDocument(doc, { weights: new Map(Object.entries(weights ?? {})) });
  await currentHost().saveFile(bytes, {
    suggestedName: `${stem(doc)}-trained.onnx`,
    filters: [{ name: 'ONNX model', extensions: ['onnx'] }],
  });
}

export async function saveWeightsFile(doc: NetloomDocument, weights: Weights): Promise<void> {
  await currentHost().saveFile(
    weightsFileBytes(lowerCached(doc).graph.weights, new Map(Object.entries(weights)), doc.name),
    {
      suggestedName: `${stem(doc)}.safetensors`,
      filters: [{ name: 'Weights (safetensors)', extensions: ['safetensors'] }],
    },
  );
}

/**
 * The chosen file's weights for this model, and a warning when some hold NaN or ±Inf (they load:
 * the file is what it says, but a diverged model should not pass unnoticed); undefined when
 * cancelled. Throws naming every mismatch.
 */
export async function loadWeightsFile(
  doc: NetloomDocument,
): Promise<{ values: Record<string, Float32Array>; warning: string | undefined } | undefined> {
  const file = await currentHost().openFile([{ name: 'Weights (safetensors)', extensions: ['safetensors'] }]);
  if (!file) return undefined;
  const tensors = decodeSafetensors(file.bytes, file.name);
  const values = weightsForModel(tensors, lowerCached(doc).graph.weights, file.name);
  return { values: Object.fromEntries(values), warning: nonFiniteWarning(tensors, file.name) };
}
