// Generative templates that train here on MNIST: a DCGAN at 28×28, a conditional GAN, and a
// convolutional and a denoising autoencoder. test/tools/reference_generative.py holds the
// PyTorch modules each is checked against (parameter counts and weight shapes, in order).
import type { NetloomDocument } from '../document/schema.ts';
import type { TemplateBuilder as Builder } from './template-builder.ts';
import { TemplateBuilder, conv } from './template-builder.ts';

const ganAdam = { name: 'adam', lr: 2e-4, beta1: 0.5 };

/** The GAN losses: D on real → 1 plus fake → 0, and G on fake → 1, in a column of their own. */
function ganLosses(b: Builder, onReal: string, onFake: string, col: number): void {
  b.addGroup('losses', 'Losses', 'Discriminator: real → 1, fake → 0. Generator: fake → 1.');
  b.group = 'losses';
  b.node('loss.real', 'BCEWithLogits', { constantTarget: 1 }, { col, y: 300 });
  b.wire(onReal, 'loss.real:x');
  b.node('loss.fake', 'BCEWithLogits', { constantTarget: 0 }, { col });
  b.wire(onFake, 'loss.fake:x');
  b.node('loss.D', 'Add', { inputs: 2 }, { col });
  b.wire('loss.real:loss', 'loss.D:x0');
  b.wire('loss.fake:loss', 'loss.D:x1');
  b.node('loss.G', 'BCEWithLogits', { constantTarget: 1 }, { col });
  b.wire(onFake, 'loss.G:x');
}

const ganObjectives = [
  { name: 'discriminator', loss: 'loss.D', params: ['discriminator'], optimizer: ganAdam },
  { name: 'generator', loss: 'loss.G', params: ['generator'], optimizer: ganAdam },
];

/**
 * DCGAN (Radford et al. 2015) scaled to MNIST: transposed convolutions with batch norm and ReLU up
 * from noise to 28×28, strided convolutions with LeakyReLU down to a logit. The discriminator has
 * no batch norm: its two copies (on real and on generated digits) share weights, and one set of
 * running statistics updated by both would not be torch's.
 */
export function dcganMnistTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  const nz = 64;
  // 32 filters, not the paper's 64: a quarter of the arithmetic, so an epoch takes a minute or two in the app.
  const ngf = 32;
  const ndf = 32;
  b.addGroup('generator', 'Generator', `Noise z [${nz}, 1, 1] → 7×7 → 14×14 → a 28×28 digit in [0, 1].`);
  b.group = 'generator';
  let g = b.node('z', 'RandomNormal', { shape: [nz, 1, 1] }, { name: 'z' });
  const up: [number, number, number, number][] = [
    [ngf * 2, 7, 1, 0],
    [ngf, 4, 2, 1],
  ];
  up.forEach(([out, k, s, p], i) => {
    g = b.then(g, `G.convt${i + 1}`, 'ConvTranspose2d', conv(out, k, s, p, false));
    g = b.then(g, `G.bn${i + 1}`, 'BatchNorm2d');
    g = b.then(g, `G.relu${i + 1}`, 'ReLU');
  });
  g = b.then(g, 'G.convt3', 'ConvTranspose2d', conv(1, 4, 2, 1, false));
  // Sigmoid: the digits arrive as pixels in [0, 1] (normalizeInputs off), not the paper's [−1, 1].
  const fake = b.then(g, 'G.sigmoid', 'Sigmoid');
  b.then(fake, 'fake', 'Output', {}, { name: 'fake' });

  b.addGroup('discriminator', 'Discriminator', 'A 28×28 digit → 14×14 → 7×7 → a logit: real or generated?');
  b.group = 'discriminator';
  const disc = (from: string, suffix: string, col: number): string => {
    const shared = (id: string): void => {
      if (suffix) Object.assign(b.nodes.at(-1)!, { sharesWeightsWith: id });
    };
    let d = b.then(from, `D.conv1${suffix}`, 'Conv2d', conv(ndf, 4, 2, 1, false), { col });
    shared('D.conv1');
    d = b.then(d, `D.lrelu1${suffix}`, 'LeakyReLU', { negativeSlope: 0.2 }, { col });
    d = b.then(d, `D.conv2${suffix}`, 'Conv2d', conv(ndf * 2, 4, 2, 1, false), { col });
    shared('D.conv2');
    d = b.then(d, `D.lrelu2${suffix}`, 'LeakyReLU', { negativeSlope: 0.2 }, { col });
    d = b.then(d, `D.conv3${suffix}`, 'Conv2d', conv(1, 7, 1, 0, false), { col });
    shared('D.conv3');
    return b.then(d, `D.flatten${suffix}`, 'Flatten', { startDim: 1 }, { col });
  };
  const image = b.node(
    'image',
    'Input',
    { shape: [1, 28, 28], dtype: 'float32' },
    { name: 'image', col: 1, y: 0 },
  );
  const onReal = disc(image, '', 1);
  b.alignRow(2, b.rowOf(0) - 100);
  const onFake = disc(fake, '.fake', 2);
  ganLosses(b, onReal, onFake, 3);
  return b.document(
    'DCGAN for MNIST digits',
    'Radford et al. 2015 at 28×28: a generator of transposed convolutions with batch norm (z [64] → 7×7×64 → 14×14×32 → 28×28), a discriminator of strided convolutions with LeakyReLU and no batch norm (its two copies share weights); 32 filters where the paper has 64; 234,176 + 36,416 parameters. Trained in turns with Adam (2e-4, β₁ 0.5); watch samples from fixed noise after each epoch.',
    {
      dataset: 'mnist',
      batchSize: 64,
      epochs: 3,
      seed: 0,
      validationSplit: 0.1,
      normalizeInputs: false,
      objectives: ganObjectives,
    },
  );
}

/**
 * A conditional GAN (Mirza & Osindero 2014): the digit's label, embedded, joins the noise in the
 * generator and the image's features in the discriminator. The plain recipe ignored the label here
 * (24 of 200 samples judged as asked after 10 epochs, in torch as in Netloom): an auxiliary
 * classifier head (Odena et al. 2017) and batch norm in G make it draw the digit asked.
 */
export function cganMnistTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  const nz = 64;
  const classes = 10;
  b.node('label', 'Input', { shape: [], dtype: 'int64' }, { name: 'label', col: 1, y: 0 });
  b.addGroup(
    'generator',
    'Generator',
    `Noise z [${nz}] and the label's vector → a 28×28 digit of that class.`,
  );
  b.group = 'generator';
  b.node('z', 'RandomNormal', { shape: [nz] }, { name: 'z' });
  b.node('G.embed', 'Embedding', { numEmbeddings: classes, dim: classes }, { name: 'G.label' });
  b.wire('label', 'G.embed');
  b.node('G.join', 'Concat', { inputs: 2, axis: 1 });
  b.wire('z', 'G.join:x0');
  b.wire('G.embed', 'G.join:x1');
  let g = b.then('G.join', 'G.fc1', 'Dense', { units: 256 });
  g = b.then(g, 'G.bn1', 'BatchNorm1d', {});
  g = b.then(g, 'G.lrelu1', 'LeakyReLU', { negativeSlope: 0.2 });
  g = b.then(g, 'G.fc2', 'Dense', { units: 512 });
  g = b.then(g, 'G.bn2', 'BatchNorm1d', {});
  g = b.then(g, 'G.lrelu2', 'LeakyReLU', { negativeSlope: 0.2 });
  g = b.then(g, 'G.fc3', 'Dense', { units: 784 });
  const fake = b.then(g, 'G.sigmoid', 'Sigmoid');
  b.then(fake, 'fake', 'Output', {}, { name: 'fake' });

  b.addGroup(
    'discriminator',
    'Discriminator',
    "A digit (784 values) → 256 features; with the label's vector → a logit (a real digit of this class?), alone → the class's 10 logits.",
  );
  b.group = 'discriminator';
  // Below the label Input (nodes stand about 90 units tall), so the group's frame clears it.
  b.node(
    'D.embed',
    'Embedding',
    { numEmbeddings: classes, dim: classes },
    { name: 'D.label', col: 1, y: 220 },
  );
  b.wire('label', 'D.embed');
  const image = b.node('image', 'Input', { shape: [784], dtype: 'float32' }, { name: 'image', col: 1 });
  const disc = (from: string, suffix: string, col: number): { logit: string; classes: string } => {
    const shared = (id: string): void => {
      if (suffix) Object.assign(b.nodes.at(-1)!, { sharesWeightsWith: id });
    };
    let d = b.then(from, `D.fc1${suffix}`, 'Dense', { units: 256 }, { col });
    shared('D.fc1');
    d = b.then(d, `D.lrelu1${suffix}`, 'LeakyReLU', { negativeSlope: 0.2 }, { col });
    d = b.then(d, `D.drop1${suffix}`, 'Dropout', { p: 0.3 }, { col });
    b.node(`D.join${suffix}`, 'Concat', { inputs: 2, axis: 1 }, { col });
    b.wire(d, `D.join${suffix}:x0`);
    b.wire('D.embed', `D.join${suffix}:x1`);
    const logit = b.then(`D.join${suffix}`, `D.adv${suffix}`, 'Dense', { units: 1 }, { col });
    shared('D.adv');
    const cls = b.then(d, `D.cls${suffix}`, 'Dense', { units: classes }, { col });
    shared('D.cls');
    return { logit, classes: cls };
  };
  const onReal = disc(image, '', 1);
  b.alignRow(2, b.rowOf(0) - 100);
  const onFake = disc(fake, '.fake', 2);
  ganLosses(b, onReal.logit, onFake.logit, 3);
  // Odena et al. 2017's auxiliary classifier: D also names the digit (real ones, in its loss) and G
  // is scored on whether its digit is named as asked, so the label cannot be ignored.
  b.node('loss.cls.real', 'CrossEntropy', {}, { col: 3 });
  b.wire(onReal.classes, 'loss.cls.real:x');
  b.wire('label', 'loss.cls.real:target');
  b.node('loss.cls.fake', 'CrossEntropy', {}, { col: 3 });
  b.wire(onFake.classes, 'loss.cls.fake:x');
  b.wire('label', 'loss.cls.fake:target');
  Object.assign(b.nodes.find((n) => n.id === 'loss.D')!.params, { inputs: 3 });
  b.wire('loss.cls.real:loss', 'loss.D:x2');
  b.node('loss.G.total', 'Add', { inputs: 2 }, { col: 3 });
  b.wire('loss.G:loss', 'loss.G.total:x0');
  b.wire('loss.cls.fake:loss', 'loss.G.total:x1');
  return b.document(
    'Conditional GAN for MNIST digits',
    "Mirza & Osindero 2014 with Odena et al. 2017's auxiliary classifier: the label, embedded (10 → 10), joins the noise in the generator (74 → 256 → 512 → 784, batch norm and LeakyReLU 0.2) and the discriminator's features (784 → 256, dropout 0.3; + label → 1), whose second head names the digit (256 → 10); 554,612 + 203,897 parameters. D learns real → 1, fake → 0 and the real digit's class; G learns fake → 1 and its digit named as the class asked. After the default 10 epochs (about 40 s) an outside CNN judge read 183 to 200 of 200 samples (20 per digit, three runs) as the digit asked, though each digit's samples look much alike (the generator collapses to few styles per class).",
    {
      dataset: 'mnist',
      batchSize: 64,
      epochs: 10,
      seed: 0,
      validationSplit: 0.1,
      normalizeInputs: false,
      inputs: { features: 'image', targets: 'label' },
      objectives: [
        { name: 'discriminator', loss: 'loss.D', params: ['discriminator'], optimizer: ganAdam },
        { name: 'generator', loss: 'loss.G.total', params: ['generator'], optimizer: ganAdam },
      ],
    },
  );
}

/** Encoder 28×28 → 14×14×16 → 7×7×32, decoder back by transposed convolutions, BCE to the clean input. */
function convAutoencoder(b: Builder, noise: number | undefined): { image: string } {
  b.addGroup('encoder', 'Encoder', 'A 28×28 digit → 14×14×16 → 7×7×32 by strided convolutions.');
  b.group = 'encoder';
  const image = b.node('image', 'Input', { shape: [1, 28, 28], dtype: 'float32' }, { name: 'image' });
  let x = image;
  if (noise !== undefined) x = b.then(x, 'noise', 'GaussianNoise', { std: noise }, { name: 'corrupt' });
  x = b.then(x, 'enc.conv1', 'Conv2d', conv(16, 3, 2, 1));
  x = b.then(x, 'enc.relu1', 'ReLU');
  x = b.then(x, 'enc.conv2', 'Conv2d', conv(32, 3, 2, 1));
  x = b.then(x, 'enc.relu2', 'ReLU', {}, { name: 'code' });
  b.addGroup('decoder', 'Decoder', '7×7×32 → 14×14×16 → a 28×28 digit in [0, 1] by transposed convolutions.');
  b.group = 'decoder';
  x = b.then(x, 'dec.convt1', 'ConvTranspose2d', conv(16, 4, 2, 1));
  x = b.then(x, 'dec.relu1', 'ReLU');
  x = b.then(x, 'dec.convt2', 'ConvTranspose2d', conv(1, 4, 2, 1));
  x = b.then(x, 'dec.sigmoid', 'Sigmoid');
  b.then(x, 'reconstruction', 'Output', {}, { name: 'reconstruction' });
  b.group = undefined;
  b.node('loss', 'BCE', {}, { col: 1, y: b.rowOf(0) - 200 });
  b.wire(x, 'loss:x');
  b.wire(image, 'loss:target');
  return { image };
}

const autoencoderTraining = {
  dataset: 'mnist',
  batchSize: 64,
  epochs: 3,
  seed: 0,
  validationSplit: 0.1,
  normalizeInputs: false,
  objectives: [{ name: 'main', loss: 'loss', params: 'all', optimizer: { name: 'adam', lr: 2e-3 } }],
};

export function convAutoencoderTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  convAutoencoder(b, undefined);
  return b.document(
    'Convolutional autoencoder',
    'Masci et al. 2011: strided convolutions squeeze a digit to 7×7×32, transposed convolutions rebuild it, trained on BCE per pixel against the input; 13,265 parameters. Watch reconstructions beside the originals.',
    autoencoderTraining,
  );
}

export function denoisingAutoencoderTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  convAutoencoder(b, 0.5);
  return b.document(
    'Denoising autoencoder',
    'Vincent et al. 2008: the convolutional autoencoder fed digits corrupted by Gaussian noise (σ 0.5 while training: the "corrupt" node\'s setting) and trained to rebuild the clean digit; at inference the noise is off.',
    autoencoderTraining,
  );
}
