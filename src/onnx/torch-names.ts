// What torch.onnx.export's names say about the model: node names carry the module path
// ("/layer1/layer1.0/conv1/Conv" is module layer1.0.conv1), initializer names are state_dict keys
// ("fc.weight") or, for tensors the export computed (a BatchNorm folded into its Conv, a weight
// transposed or split), "onnx::Conv_193". Import uses them to give layers torch's names back.

/**
 * The module path of a node torch named "/a/a.0/conv1/Conv": each scope segment is a child's
 * name, written with its parent's name in front when the parent is a container (Sequential,
 * ModuleList), so "a.0" replaces "a" rather than adding to it. Undefined for other names.
 */
export function modulePath(nodeName: string): string | undefined {
  if (!nodeName.startsWith('/')) return undefined;
  const segs = nodeName.split('/').filter(Boolean).slice(0, -1);
  const path: string[] = [];
  for (const s of segs) {
    const last = path[path.length - 1];
    if (last !== undefined && s.startsWith(`${last}.`)) path[path.length - 1] = s;
    else path.push(s);
  }
  return path.length ? path.join('.') : undefined;
}

/** The op part of a torch node name ("/layer1/layer1.0/Add_1" → "Add_1"). */
export function opPart(nodeName: string): string {
  const i = nodeName.lastIndexOf('/');
  return i >= 0 ? nodeName.slice(i + 1) : nodeName;
}

/** A tensor torch computed while exporting (no state_dict name of its own). */
export function isExportComputed(initializer: string): boolean {
  return initializer.startsWith('onnx::');
}

/** "fc.weight" → { node: 'fc', name: 'weight' }; a name without a module path stays whole. */
export function splitWeightName(id: string): { node: string; name: string } | undefined {
  if (isExportComputed(id)) return undefined;
  const dot = id.lastIndexOf('.');
  return dot > 0 && dot < id.length - 1 ? { node: id.slice(0, dot), name: id.slice(dot + 1) } : undefined;
}

/**
 * Where torchvision keeps the BatchNorm that follows a convolution: conv1 → bn1, conv → bn,
 * features.0.0 → features.0.1 (Conv2dNormActivation), else "<conv>.bn". Used to name a BatchNorm
 * that torch folded into the convolution, so the state_dict names come back.
 */
export function batchNormPathFor(convPath: string): string {
  const dot = convPath.lastIndexOf('.');
  const head = dot >= 0 ? convPath.slice(0, dot + 1) : '';
  const last = convPath.slice(dot + 1);
  if (/^\d+$/.test(last)) return `${head}${Number(last) + 1}`;
  const m = /^conv(\d*)$/.exec(last);
  if (m) return `${head}bn${m[1]}`;
  return `${convPath}.bn`;
}
