// The classic ImageNet CNNs of the textbooks, exactly as torchvision builds them: node ids follow
// torch's module names (features.0, layer1.0.conv1, inception3a.branch2.0.conv, …) so every weight
// id is the torchvision state_dict key, and a test loads Netloom's weights into torchvision with
// load_state_dict(strict=True) and compares the outputs. Blocks are groups: a ResNet-50 reads as
// stem + four stages, an Inception module or an inverted residual is one block.
import type { NetloomDocument } from '../document/schema.ts';
import type { Params } from './template-builder.ts';
import { TemplateBuilder, conv } from './template-builder.ts';

/**
 * These templates are torchvision's ImageNet models: 224×224 photos, 1000 classes. Here they can
 * only train on the shipped 32×32 shapes blown up to 224×224 (nothing more to learn, and seconds a
 * step on a CPU), so their own setup is a short look — one epoch of batches of 8 — not the generic
 * 30 epochs; the Train panel says before Start what would make them trainable. BN nets take Adam at
 * 1e-3; AlexNet and VGG-16 (no BN, 4096-wide heads) 1e-4, as from-scratch runs of them need.
 */
function imageNetTraining(lr: number) {
  return {
    dataset: 'shapes',
    batchSize: 8,
    epochs: 1,
    seed: 0,
    validationSplit: 0.2,
    objectives: [
      {
        name: 'main',
        loss: { kind: 'cross-entropy', output: 'logits' },
        params: 'all',
        optimizer: { name: 'adam', lr },
      },
    ],
  };
}

const imagenetInput = { shape: [3, 224, 224], dtype: 'float32' };
const maxPool = (k: number, s: number, p = 0, ceilMode = false): Params => ({
  kernelSize: [k, k],
  stride: [s, s],
  padding: [p, p],
  ...(ceilMode ? { ceilMode } : {}),
});

// ---------------------------------------------------------------------------------------------
// ResNet-18, -34 (basic blocks) and -50 (bottleneck blocks)

/** torchvision's BasicBlock: conv3×3-BN-ReLU-conv3×3-BN, plus the (projected) shortcut, then ReLU. */
function basicBlock(
  b: TemplateBuilder,
  x: string,
  prefix: string,
  inC: number,
  outC: number,
  stride: number,
): string {
  const main = b.col;
  const top = b.rowOf(main);
  let y = b.then(x, `${prefix}.conv1`, 'Conv2d', conv(outC, 3, stride, 1, false));
  y = b.then(y, `${prefix}.bn1`, 'BatchNorm2d');
  y = b.then(y, `${prefix}.relu1`, 'ReLU');
  y = b.then(y, `${prefix}.conv2`, 'Conv2d', conv(outC, 3, 1, 1, false));
  y = b.then(y, `${prefix}.bn2`, 'BatchNorm2d');
  return residual(b, x, y, prefix, inC, outC, stride, main, top);
}

/**
 * torchvision's Bottleneck (ResNet v1.5, the stride on the 3×3): conv1×1-BN-ReLU-conv3×3-BN-ReLU-
 * conv1×1-BN with 4× the width out, plus the (projected) shortcut, then ReLU.
 */
function bottleneck(
  b: TemplateBuilder,
  x: string,
  prefix: string,
  inC: number,
  width: number,
  stride: number,
): string {
  const main = b.col;
  const top = b.rowOf(main);
  let y = b.then(x, `${prefix}.conv1`, 'Conv2d', conv(width, 1, 1, 0, false));
  y = b.then(y, `${prefix}.bn1`, 'BatchNorm2d');
  y = b.then(y, `${prefix}.relu1`, 'ReLU');
  y = b.then(y, `${prefix}.conv2`, 'Conv2d', conv(width, 3, stride, 1, false));
  y = b.then(y, `${prefix}.bn2`, 'BatchNorm2d');
  y = b.then(y, `${prefix}.relu2`, 'ReLU');
  y = b.then(y, `${prefix}.conv3`, 'Conv2d', conv(width * 4, 1, 1, 0, false));
  y = b.then(y, `${prefix}.bn3`, 'BatchNorm2d');
  return residual(b, x, y, prefix, inC, width * 4, stride, main, top, 'relu3');
}

/** The block's sum with its shortcut (a 1×1 convolution + BN where the shape changes), then ReLU. */
function residual(
  b: TemplateBuilder,
  x: string,
  y: string,
  prefix: string,
  inC: number,
  outC: number,
  stride: number,
  main: number,
  top: number,
  relu = 'relu2',
): string {
  let shortcut = x;
  if (stride !== 1 || inC !== outC) {
    b.alignRow(main + 1, top);
    const col = main + 1;
    shortcut = b.then(x, `${prefix}.downsample.0`, 'Conv2d', conv(outC, 1, stride, 0, false), { col });
    shortcut = b.then(shortcut, `${prefix}.downsample.1`, 'BatchNorm2d', {}, { col });
  }
  b.node(`${prefix}.add`, 'Add', { inputs: 2 });
  b.wire(y, `${prefix}.add:x0`);
  b.wire(shortcut, `${prefix}.add:x1`);
  return b.then(`${prefix}.add`, `${prefix}.${relu}`, 'ReLU');
}

interface ResNetSpec {
  readonly depth: 18 | 34 | 50;
  readonly blocks: readonly [number, number, number, number];
  readonly bottleneck: boolean;
  readonly params: string;
}

const resnetSpecs: readonly ResNetSpec[] = [
  { depth: 18, blocks: [2, 2, 2, 2], bottleneck: false, params: '11,689,512' },
  { depth: 34, blocks: [3, 4, 6, 3], bottleneck: false, params: '21,797,672' },
  { depth: 50, blocks: [3, 4, 6, 3], bottleneck: true, params: '25,557,032' },
];

function resnetTemplate(spec: ResNetSpec): NetloomDocument {
  const b = new TemplateBuilder();
  // ResNet-18 stays one column (it reads well expanded); the deeper ones put each stage in a
  // column of its own and start collapsed, so they read as stem + four stages + head.
  const wide = spec.depth !== 18;
  b.addGroup('stem', 'Stem', '7×7 convolution, stride 2, then 3×3 max pooling: 224 → 56.');
  b.group = 'stem';
  let x = b.node('image', 'Input', imagenetInput, { name: 'image' });
  x = b.then(x, 'conv1', 'Conv2d', conv(64, 7, 2, 3, false));
  x = b.then(x, 'bn1', 'BatchNorm2d');
  x = b.then(x, 'relu', 'ReLU');
  x = b.then(x, 'maxpool', 'MaxPool2d', maxPool(3, 2, 1));
  let inC = 64;
  const widths = [64, 128, 256, 512];
  const kind = spec.bottleneck ? 'bottleneck' : 'basic';
  const inner = spec.bottleneck
    ? 'conv1×1-BN-ReLU-conv3×3-BN-ReLU-conv1×1-BN + shortcut, ReLU'
    : 'conv3×3-BN-ReLU-conv3×3-BN + shortcut, ReLU';
  widths.forEach((w, i) => {
    const stage = `layer${i + 1}`;
    const size = 56 >> i;
    const n = spec.blocks[i]!;
    const out = spec.bottleneck ? w * 4 : w;
    const count = ['', 'One', 'Two', 'Three', 'Four', 'Five', 'Six'][n] ?? String(n);
    b.addGroup(
      stage,
      `Layer ${i + 1}`,
      `${count} ${kind} blocks, ${out} channels at ${size}×${size}.`,
      undefined,
      wide,
    );
    if (wide) {
      b.col = 1 + 2 * i;
      b.alignRow(b.col, 0);
    }
    for (let j = 0; j < n; j++) {
      const block = `${stage}.${j}`;
      b.addGroup(block, `Block ${i + 1}.${j}`, inner, stage);
      b.group = block;
      const stride = j === 0 && i > 0 ? 2 : 1;
      x = spec.bottleneck ? bottleneck(b, x, block, inC, w, stride) : basicBlock(b, x, block, inC, w, stride);
      inC = out;
    }
  });
  b.addGroup('head', 'Head', 'Global average pooling and the 1000-way classifier.');
  b.group = 'head';
  if (wide) b.col = 9;
  x = b.then(x, 'avgpool', 'GlobalAvgPool', { keepDims: false });
  x = b.then(x, 'fc', 'Dense', { units: 1000 });
  b.then(x, 'logits', 'Output', {}, { name: 'logits' });
  const blocks = spec.bottleneck ? ' with bottleneck blocks (1×1 → 3×3 → 1×1, stride on the 3×3)' : '';
  return b.document(
    `ResNet-${spec.depth}`,
    `He et al. 2015${blocks}, exactly torchvision.models.resnet${spec.depth}(): ${spec.params} parameters, 224×224 RGB, 1000 classes.`,
    imageNetTraining(1e-3),
  );
}

export const resnet18Template = (): NetloomDocument => resnetTemplate(resnetSpecs[0]!);
export const resnet34Template = (): NetloomDocument => resnetTemplate(resnetSpecs[1]!);
export const resnet50Template = (): NetloomDocument => resnetTemplate(resnetSpecs[2]!);

// ---------------------------------------------------------------------------------------------
// AlexNet and VGG-16: convolutions, then AdaptiveAvgPool2d to a fixed grid and three Linear layers

/** torchvision's classifier: (Dropout, Linear, ReLU) ×2, Linear; Dropout first or after the ReLU. */
function fullyConnectedHead(b: TemplateBuilder, x: string, dropoutFirst: boolean): string {
  b.addGroup('classifier', 'Classifier', 'Dropout 0.5 and three fully connected layers: 4096, 4096, 1000.');
  b.group = 'classifier';
  let i = 0;
  const id = () => `classifier.${i++}`;
  for (let k = 0; k < 2; k++) {
    if (dropoutFirst) x = b.then(x, id(), 'Dropout', { p: 0.5 });
    x = b.then(x, id(), 'Dense', { units: 4096 });
    x = b.then(x, id(), 'ReLU');
    if (!dropoutFirst) x = b.then(x, id(), 'Dropout', { p: 0.5 });
  }
  x = b.then(x, id(), 'Dense', { units: 1000 });
  return b.then(x, 'logits', 'Output', {}, { name: 'logits' });
}

export function alexnetTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  b.addGroup(
    'features',
    'Features',
    'Five convolutions (11×11 stride 4, 5×5, three 3×3) with ReLU and three max pools.',
  );
  b.group = 'features';
  let x = b.node('image', 'Input', imagenetInput, { name: 'image' });
  // features.N: torch's Sequential indices (convolutions at 0, 3, 6, 8, 10).
  const layers: [string, Params][] = [
    ['Conv2d', conv(64, 11, 4, 2)],
    ['ReLU', {}],
    ['MaxPool2d', maxPool(3, 2)],
    ['Conv2d', conv(192, 5, 1, 2)],
    ['ReLU', {}],
    ['MaxPool2d', maxPool(3, 2)],
    ['Conv2d', conv(384, 3, 1, 1)],
    ['ReLU', {}],
    ['Conv2d', conv(256, 3, 1, 1)],
    ['ReLU', {}],
    ['Conv2d', conv(256, 3, 1, 1)],
    ['ReLU', {}],
    ['MaxPool2d', maxPool(3, 2)],
  ];
  layers.forEach(([kind, params], i) => (x = b.then(x, `features.${i}`, kind, params)));
  b.col = 1;
  b.group = undefined;
  x = b.then(x, 'avgpool', 'AdaptiveAvgPool2d', { outputSize: [6, 6] });
  x = b.then(x, 'flatten', 'Flatten');
  fullyConnectedHead(b, x, true);
  return b.document(
    'AlexNet',
    'Krizhevsky et al. 2012 in its one-GPU form, exactly torchvision.models.alexnet(): 61,100,840 parameters, 224×224 RGB, 1000 classes.',
    imageNetTraining(1e-4),
  );
}

export function vgg16Template(): NetloomDocument {
  const b = new TemplateBuilder();
  // Configuration "D" of Simonyan & Zisserman: 3×3 convolutions, a 2×2 max pool after each block.
  const cfg = [
    [64, 64],
    [128, 128],
    [256, 256, 256],
    [512, 512, 512],
    [512, 512, 512],
  ];
  let x = b.node('image', 'Input', imagenetInput, { name: 'image' });
  let i = 0;
  cfg.forEach((block, k) => {
    const size = 224 >> k;
    b.addGroup(
      `block${k + 1}`,
      `Block ${k + 1}`,
      `${block.length} × (3×3 conv, ${block[0]} channels, ReLU) at ${size}×${size}, then 2×2 max pool.`,
    );
    b.group = `block${k + 1}`;
    b.col = k;
    // Room between the Input and the first block's frame.
    b.alignRow(k, k === 0 ? 160 : 0);
    for (const c of block) {
      x = b.then(x, `features.${i++}`, 'Conv2d', conv(c, 3, 1, 1));
      x = b.then(x, `features.${i++}`, 'ReLU');
    }
    x = b.then(x, `features.${i++}`, 'MaxPool2d', maxPool(2, 2));
  });
  b.col = 5;
  b.group = undefined;
  x = b.then(x, 'avgpool', 'AdaptiveAvgPool2d', { outputSize: [7, 7] });
  x = b.then(x, 'flatten', 'Flatten');
  fullyConnectedHead(b, x, false);
  return b.document(
    'VGG-16',
    'Simonyan & Zisserman 2014, configuration D, exactly torchvision.models.vgg16(): 138,357,544 parameters, 224×224 RGB, 1000 classes.',
    imageNetTraining(1e-4),
  );
}

// ---------------------------------------------------------------------------------------------
// GoogLeNet (Inception v1)

/** torchvision's BasicConv2d: convolution without bias, BatchNorm (ε 0.001), ReLU. */
function basicConv(b: TemplateBuilder, x: string, id: string, out: number, k: number, s = 1, p = 0): string {
  x = b.then(x, `${id}.conv`, 'Conv2d', conv(out, k, s, p, false));
  x = b.then(x, `${id}.bn`, 'BatchNorm2d', { eps: 0.001 });
  return b.then(x, `${id}.relu`, 'ReLU');
}

type InceptionSpec = readonly [string, number, number, number, number, number, number];

/** One Inception module: four branches side by side in columns col..col+3, joined by Concat. */
function inception(b: TemplateBuilder, x: string, spec: InceptionSpec, col: number, parent: string): string {
  const [id, c1, c3r, c3, c5r, c5, pool] = spec;
  b.addGroup(
    id,
    `Inception ${id.slice('inception'.length)}`,
    `Four branches concatenated: 1×1 (${c1}), 1×1 → 3×3 (${c3}), 1×1 → 3×3 (${c5}; torchvision's 3×3 where the paper has 5×5), 3×3 max pool → 1×1 (${pool}).`,
    parent,
    true,
  );
  b.group = id;
  const top = Math.max(...[0, 1, 2, 3].map((k) => b.rowOf(col + k)));
  for (let k = 0; k < 4; k++) b.alignRow(col + k, top);
  b.col = col;
  const b1 = basicConv(b, x, `${id}.branch1`, c1, 1);
  b.col = col + 1;
  const b2 = basicConv(b, basicConv(b, x, `${id}.branch2.0`, c3r, 1), `${id}.branch2.1`, c3, 3, 1, 1);
  b.col = col + 2;
  const b3 = basicConv(b, basicConv(b, x, `${id}.branch3.0`, c5r, 1), `${id}.branch3.1`, c5, 3, 1, 1);
  b.col = col + 3;
  const p = b.then(x, `${id}.branch4.0`, 'MaxPool2d', maxPool(3, 1, 1, true));
  const b4 = basicConv(b, p, `${id}.branch4.1`, pool, 1);
  b.col = col;
  b.alignRow(col, Math.max(...[0, 1, 2, 3].map((k) => b.rowOf(col + k))));
  const cat = b.node(`${id}.cat`, 'Concat', { inputs: 4, axis: 1 });
  [b1, b2, b3, b4].forEach((v, k) => b.wire(v, `${cat}:x${k}`));
  return cat;
}

export function googlenetTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  b.addGroup('stem', 'Stem', '7×7/2 convolution, max pool, 1×1 and 3×3 convolutions, max pool: 224 → 28.');
  b.group = 'stem';
  let x = b.node('image', 'Input', imagenetInput, { name: 'image' });
  x = basicConv(b, x, 'conv1', 64, 7, 2, 3);
  x = b.then(x, 'maxpool1', 'MaxPool2d', maxPool(3, 2, 0, true));
  x = basicConv(b, x, 'conv2', 64, 1);
  x = basicConv(b, x, 'conv3', 192, 3, 1, 1);
  x = b.then(x, 'maxpool2', 'MaxPool2d', maxPool(3, 2, 0, true));
  const stages: {
    id: string;
    name: string;
    size: number;
    modules: InceptionSpec[];
    pool?: [string, Params];
  }[] = [
    {
      id: 'stage3',
      name: 'Stage 3',
      size: 28,
      modules: [
        ['inception3a', 64, 96, 128, 16, 32, 32],
        ['inception3b', 128, 128, 192, 32, 96, 64],
      ],
      pool: ['maxpool3', maxPool(3, 2, 0, true)],
    },
    {
      id: 'stage4',
      name: 'Stage 4',
      size: 14,
      modules: [
        ['inception4a', 192, 96, 208, 16, 48, 64],
        ['inception4b', 160, 112, 224, 24, 64, 64],
        ['inception4c', 128, 128, 256, 24, 64, 64],
        ['inception4d', 112, 144, 288, 32, 64, 64],
        ['inception4e', 256, 160, 320, 32, 128, 128],
      ],
      pool: ['maxpool4', maxPool(2, 2, 0, true)],
    },
    {
      id: 'stage5',
      name: 'Stage 5',
      size: 7,
      modules: [
        ['inception5a', 256, 160, 320, 32, 128, 128],
        ['inception5b', 384, 192, 384, 48, 128, 128],
      ],
    },
  ];
  stages.forEach((s, k) => {
    const col = 1 + 4 * k;
    b.addGroup(
      s.id,
      s.name,
      `${s.modules.length} Inception modules at ${s.size}×${s.size}${s.pool ? ', then max pool' : ''}.`,
    );
    for (const m of s.modules) x = inception(b, x, m, col, s.id);
    if (s.pool) {
      b.group = s.id;
      x = b.then(x, s.pool[0], 'MaxPool2d', s.pool[1]);
    }
  });
  b.addGroup('head', 'Head', 'Global average pooling, dropout 0.2 and the 1000-way classifier.');
  b.group = 'head';
  b.col = 13;
  x = b.then(x, 'avgpool', 'GlobalAvgPool', { keepDims: false });
  x = b.then(x, 'dropout', 'Dropout', { p: 0.2 });
  x = b.then(x, 'fc', 'Dense', { units: 1000 });
  b.then(x, 'logits', 'Output', {}, { name: 'logits' });
  return b.document(
    'GoogLeNet (Inception v1)',
    'Szegedy et al. 2014 without the auxiliary heads, exactly torchvision.models.googlenet(aux_logits=False): 6,624,904 parameters, 224×224 RGB, 1000 classes. Each Inception module is one block.',
    imageNetTraining(1e-3),
  );
}

// ---------------------------------------------------------------------------------------------
// MobileNetV2

/** torchvision's Conv2dNormActivation: convolution without bias, BatchNorm, ReLU6 (ids .0, .1, .2). */
function convBnRelu6(
  b: TemplateBuilder,
  x: string,
  id: string,
  out: number,
  k: number,
  s = 1,
  groups = 1,
): string {
  x = b.then(x, `${id}.0`, 'Conv2d', { ...conv(out, k, s, (k - 1) / 2, false), groups });
  x = b.then(x, `${id}.1`, 'BatchNorm2d');
  return b.then(x, `${id}.2`, 'ReLU6');
}

/**
 * An inverted residual (Sandler et al. 2018): 1×1 expansion to t·C channels (left out when t = 1),
 * a 3×3 depthwise convolution (groups = channels) carrying the stride, a linear 1×1 projection;
 * the input is added back when the stride is 1 and the channels agree.
 */
export function invertedResidual(
  b: TemplateBuilder,
  x: string,
  id: string,
  inC: number,
  outC: number,
  stride: number,
  t: number,
): string {
  const hidden = inC * t;
  let y = x;
  let k = 0;
  if (t !== 1) y = convBnRelu6(b, y, `${id}.conv.${k++}`, hidden, 1);
  y = convBnRelu6(b, y, `${id}.conv.${k++}`, hidden, 3, stride, hidden);
  y = b.then(y, `${id}.conv.${k++}`, 'Conv2d', conv(outC, 1, 1, 0, false));
  y = b.then(y, `${id}.conv.${k}`, 'BatchNorm2d');
  if (stride !== 1 || inC !== outC) return y;
  b.node(`${id}.add`, 'Add', { inputs: 2 });
  b.wire(y, `${id}.add:x0`);
  b.wire(x, `${id}.add:x1`);
  return `${id}.add`;
}

/** (t expansion, c channels, n blocks, s first stride), the paper's Table 2. */
export type MobileNetStage = readonly [number, number, number, number];

/**
 * features.1… of a MobileNetV2: one column per block, blocks collapsed under a group per stage.
 * Returns the last block's output, the next features index and the channel count.
 */
export function mobileNetStages(
  b: TemplateBuilder,
  x: string,
  stages: readonly MobileNetStage[],
  inC: number,
  firstCol: number,
  collapsed: boolean,
): { x: string; next: number; channels: number; col: number } {
  let f = 1;
  let col = firstCol;
  stages.forEach(([t, c, n, s], k) => {
    const stage = `stage${k + 1}`;
    b.addGroup(
      stage,
      `Bottleneck ${k + 1}`,
      `${n} inverted residual block${n > 1 ? 's' : ''}, expansion ${t}, ${c} channels, first stride ${s}.`,
    );
    for (let j = 0; j < n; j++) {
      const id = `features.${f++}`;
      const stride = j === 0 ? s : 1;
      b.addGroup(
        id,
        `Block ${f - 1}`,
        `Inverted residual ${inC} → ${inC * t} → ${c}${stride === 2 ? ', stride 2' : ''}${stride === 1 && inC === c ? ', + input' : ''}.`,
        stage,
        collapsed,
      );
      b.group = id;
      b.col = col++;
      b.alignRow(b.col, 0);
      x = invertedResidual(b, x, id, inC, c, stride, t);
      inC = c;
    }
  });
  return { x, next: f, channels: inC, col };
}

export function mobilenetV2Template(): NetloomDocument {
  const b = new TemplateBuilder();
  b.addGroup('stem', 'Stem', '3×3 convolution, stride 2, 32 channels, ReLU6: 224 → 112.');
  b.group = 'stem';
  let x = b.node('image', 'Input', imagenetInput, { name: 'image' });
  x = convBnRelu6(b, x, 'features.0', 32, 3, 2);
  const stages: MobileNetStage[] = [
    [1, 16, 1, 1],
    [6, 24, 2, 2],
    [6, 32, 3, 2],
    [6, 64, 4, 2],
    [6, 96, 3, 1],
    [6, 160, 3, 2],
    [6, 320, 1, 1],
  ];
  const body = mobileNetStages(b, x, stages, 32, 1, true);
  b.addGroup(
    'head',
    'Head',
    '1×1 convolution to 1280 channels, global average pooling, dropout 0.2, the 1000-way classifier.',
  );
  b.group = 'head';
  b.col = body.col;
  b.alignRow(b.col, 0);
  x = convBnRelu6(b, body.x, `features.${body.next}`, 1280, 1);
  x = b.then(x, 'avgpool', 'GlobalAvgPool', { keepDims: false });
  x = b.then(x, 'classifier.0', 'Dropout', { p: 0.2 });
  x = b.then(x, 'classifier.1', 'Dense', { units: 1000 });
  b.then(x, 'logits', 'Output', {}, { name: 'logits' });
  return b.document(
    'MobileNetV2',
    'Sandler et al. 2018, exactly torchvision.models.mobilenet_v2(): 3,504,872 parameters, 224×224 RGB, 1000 classes. Inverted residual blocks (1×1 expansion, 3×3 depthwise, linear 1×1 projection) with ReLU6.',
    imageNetTraining(1e-3),
  );
}
