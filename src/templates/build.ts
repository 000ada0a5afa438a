// Builds the template documents. Node ids follow torch's module names (layer1.0.conv1, …) so a
// weight id such as `layer1.0.conv1.weight` is the torch state_dict key, and groups carry the
// blocks a reader looks for (ResNet-18 as stem + four stages of two blocks).
// scripts/build-templates.ts writes these to templates/*.json; a test keeps the two in step.
import type { NetloomDocument } from '../document/schema.ts';
import { TemplateBuilder, classifier, classifierTraining, conv } from './template-builder.ts';
import {
  alexnetTemplate,
  googlenetTemplate,
  mobilenetV2Template,
  resnet18Template,
  resnet34Template,
  resnet50Template,
  vgg16Template,
} from './cnn-zoo.ts';
import { ddpmMnistTemplate } from './diffusion.ts';
import { resnet20Template, smallMobileNetTemplate, smallVggTemplate, unetTemplate } from './small-cnns.ts';
import {
  cganMnistTemplate,
  convAutoencoderTemplate,
  dcganMnistTemplate,
  denoisingAutoencoderTemplate,
} from './generative.ts';
import {
  bilstmTemplate,
  gptMiniTemplate,
  gptMiniTiedTemplate,
  gruTemplate,
  textLstmTemplate,
} from './sequence.ts';

export function mlpTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  let x = b.node('image', 'Input', { shape: [784], dtype: 'float32' }, { name: 'image' });
  x = b.then(x, 'fc1', 'Dense', { units: 256 });
  x = b.then(x, 'relu1', 'ReLU');
  x = b.then(x, 'fc2', 'Dense', { units: 128 });
  x = b.then(x, 'relu2', 'ReLU');
  x = b.then(x, 'fc3', 'Dense', { units: 10 });
  return classifier(
    b,
    x,
    'MLP 784-256-128-10',
    'A multilayer perceptron trained by backpropagation (Rumelhart, Hinton & Williams 1986) for MNIST digits: two hidden layers with ReLU, softmax cross-entropy.',
    classifierTraining('mnist', 1e-3, 2, 64),
  );
}

export function lenet5Template(): NetloomDocument {
  const b = new TemplateBuilder();
  let x = b.node('image', 'Input', { shape: [1, 28, 28], dtype: 'float32' }, { name: 'image' });
  x = b.then(x, 'conv1', 'Conv2d', conv(6, 5, 1, 2));
  x = b.then(x, 'relu1', 'ReLU');
  x = b.then(x, 'pool1', 'MaxPool2d', { kernelSize: [2, 2], stride: [2, 2] });
  x = b.then(x, 'conv2', 'Conv2d', conv(16, 5));
  x = b.then(x, 'relu2', 'ReLU');
  x = b.then(x, 'pool2', 'MaxPool2d', { kernelSize: [2, 2], stride: [2, 2] });
  x = b.then(x, 'flatten', 'Flatten', { startDim: 1 });
  x = b.then(x, 'fc1', 'Dense', { units: 120 });
  x = b.then(x, 'relu3', 'ReLU');
  x = b.then(x, 'fc2', 'Dense', { units: 84 });
  x = b.then(x, 'relu4', 'ReLU');
  x = b.then(x, 'fc3', 'Dense', { units: 10 });
  return classifier(
    b,
    x,
    'LeNet-5',
    'LeCun et al. 1998 for 28×28 digits (padded first convolution, ReLU and max pooling as usually trained today).',
    // 5 epochs at 2e-3: 97.5% on the shipped MNIST (netloom train lenet5, seed 0).
    classifierTraining('mnist', 2e-3, 5, 64),
  );
}

export function dcganTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  const nz = 100;
  const ngf = 64;
  const ndf = 64;
  b.addGroup('generator', 'Generator', `Noise z [${nz}, 1, 1] → 64×64 RGB image in [−1, 1].`);
  b.group = 'generator';
  let g = b.node('z', 'Input', { shape: [nz, 1, 1], dtype: 'float32' }, { name: 'z' });
  const gSpec: [number, number, number][] = [
    [ngf * 8, 1, 0],
    [ngf * 4, 2, 1],
    [ngf * 2, 2, 1],
    [ngf, 2, 1],
  ];
  gSpec.forEach(([out, s, p], i) => {
    g = b.then(g, `netG.convt${i + 1}`, 'ConvTranspose2d', {
      outChannels: out,
      kernelSize: [4, 4],
      stride: [s, s],
      padding: [p, p],
      bias: false,
    });
    g = b.then(g, `netG.bn${i + 1}`, 'BatchNorm2d');
    g = b.then(g, `netG.relu${i + 1}`, 'ReLU');
  });
  g = b.then(g, 'netG.convt5', 'ConvTranspose2d', {
    outChannels: 3,
    kernelSize: [4, 4],
    stride: [2, 2],
    padding: [1, 1],
    bias: false,
  });
  g = b.then(g, 'netG.tanh', 'Tanh');
  b.then(g, 'fake', 'Output', {}, { name: 'fake' });

  b.addGroup('discriminator', 'Discriminator', '64×64 RGB image → probability that it is real.');
  b.group = 'discriminator';
  let d = b.node('image', 'Input', { shape: [3, 64, 64], dtype: 'float32' }, { name: 'image', col: 2, y: 0 });
  const dSpec = [ndf, ndf * 2, ndf * 4, ndf * 8];
  dSpec.forEach((out, i) => {
    d = b.then(d, `netD.conv${i + 1}`, 'Conv2d', conv(out, 4, 2, 1, false), { col: 2 });
    if (i > 0) d = b.then(d, `netD.bn${i + 1}`, 'BatchNorm2d', {}, { col: 2 });
    d = b.then(d, `netD.lrelu${i + 1}`, 'LeakyReLU', { negativeSlope: 0.2 }, { col: 2 });
  });
  d = b.then(d, 'netD.conv5', 'Conv2d', conv(1, 4, 1, 0, false), { col: 2 });
  d = b.then(d, 'netD.sigmoid', 'Sigmoid', {}, { col: 2 });
  d = b.then(d, 'netD.flatten', 'Flatten', { startDim: 1 }, { col: 2 });
  b.then(d, 'score', 'Output', {}, { name: 'score', col: 2 });
  return b.document(
    'DCGAN',
    'Radford et al. 2015 as in the PyTorch DCGAN example: nz=100, 64×64 RGB; generator 3,576,704 and discriminator 2,765,568 parameters.',
  );
}

/**
 * A small GAN for MNIST digits, trainable in the app: one discriminator applied to real and to
 * generated images (the second copy shares the first's weights), two objectives that alternate —
 * the discriminator step on loss(real → 1) + loss(fake → 0), then the generator step on
 * loss(fake → 1) through the discriminator, which that step leaves alone.
 */
export function ganMnistTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  const nz = 64;
  b.addGroup('generator', 'Generator', `Noise z [${nz}] → a 28×28 digit (784 values).`);
  b.group = 'generator';
  let g = b.node('z', 'RandomNormal', { shape: [nz] }, { name: 'z' });
  g = b.then(g, 'G.fc1', 'Dense', { units: 256 });
  g = b.then(g, 'G.lrelu1', 'LeakyReLU', { negativeSlope: 0.2 });
  g = b.then(g, 'G.fc2', 'Dense', { units: 512 });
  g = b.then(g, 'G.lrelu2', 'LeakyReLU', { negativeSlope: 0.2 });
  // Linear output: the real digits arrive standardised (mean 0.13, std 0.31), not in [0, 1].
  const fake = b.then(g, 'G.fc3', 'Dense', { units: 784 });
  b.then(fake, 'fake', 'Output', {}, { name: 'fake' });

  b.addGroup('discriminator', 'Discriminator', 'A digit (784 values) → a logit: real or generated?');
  b.group = 'discriminator';
  const disc = (from: string, suffix: string, col: number, shared: boolean): string => {
    const share = (id: string) => (shared ? { sharesWeightsWith: id } : {});
    let d = b.then(from, `D.fc1${suffix}`, 'Dense', { units: 256 }, { col });
    Object.assign(b.nodes.at(-1)!, share('D.fc1'));
    d = b.then(d, `D.lrelu1${suffix}`, 'LeakyReLU', { negativeSlope: 0.2 }, { col });
    d = b.then(d, `D.fc2${suffix}`, 'Dense', { units: 1 }, { col });
    Object.assign(b.nodes.at(-1)!, share('D.fc2'));
    return d;
  };
  const image = b.node('image', 'Input', { shape: [784], dtype: 'float32' }, { name: 'image', col: 1, y: 0 });
  const onReal = disc(image, '', 1, false);
  b.alignRow(2, b.rowOf(0) - 100);
  const onFake = disc(fake, '.fake', 2, true);

  b.addGroup('losses', 'Losses', 'Discriminator: real → 1, fake → 0. Generator: fake → 1.');
  b.group = 'losses';
  b.node('loss.real', 'BCEWithLogits', { constantTarget: 1 }, { col: 3, y: 300 });
  b.wire(onReal, 'loss.real:x');
  b.node('loss.fake', 'BCEWithLogits', { constantTarget: 0 }, { col: 3 });
  b.wire(onFake, 'loss.fake:x');
  b.node('loss.D', 'Add', { inputs: 2 }, { col: 3 });
  b.wire('loss.real:loss', 'loss.D:x0');
  b.wire('loss.fake:loss', 'loss.D:x1');
  b.node('loss.G', 'BCEWithLogits', { constantTarget: 1 }, { col: 3 });
  b.wire(onFake, 'loss.G:x');
  const adam = { name: 'adam', lr: 2e-4, beta1: 0.5 };
  return b.document(
    'GAN for MNIST digits',
    'Goodfellow et al. 2014: a generator (64 → 256 → 512 → 784) and a discriminator (784 → 256 → 1) trained in turns; watch samples from fixed noise turn into digits.',
    {
      dataset: 'mnist',
      batchSize: 64,
      epochs: 10,
      seed: 0,
      validationSplit: 0.1,
      objectives: [
        { name: 'discriminator', loss: 'loss.D', params: ['discriminator'], optimizer: adam },
        { name: 'generator', loss: 'loss.G', params: ['generator'], optimizer: adam },
      ],
    },
  );
}

/**
 * A variational autoencoder for MNIST as in the PyTorch example (784-400-20-400-784): encoder to
 * μ and log σ², a reparameterized sample, decoder, and the loss BCE(reconstruction, input) + KL.
 */
export function vaeTemplate(latent = 20): NetloomDocument {
  const b = new TemplateBuilder();
  b.addGroup('encoder', 'Encoder', `A digit → μ and log σ² of a ${latent}-dimensional Gaussian.`);
  b.group = 'encoder';
  let x = b.node('image', 'Input', { shape: [784], dtype: 'float32' }, { name: 'image' });
  x = b.then(x, 'fc1', 'Dense', { units: 400 });
  x = b.then(x, 'relu1', 'ReLU');
  b.then(x, 'fc21', 'Dense', { units: latent }, { name: 'mu' });
  b.node('fc22', 'Dense', { units: latent }, { name: 'logvar', col: 1, y: b.rowOf(0) - 100 });
  b.wire(x, 'fc22');
  b.group = 'decoder';
  b.addGroup('decoder', 'Decoder', 'z → a digit, pixels in [0, 1].');
  // Room between the encoder's frame and the decoder's.
  b.alignRow(0, b.rowOf(0) + 80);
  b.node('z', 'Reparameterize', {}, { col: 0 });
  b.wire('fc21', 'z:mu');
  b.wire('fc22', 'z:logvar');
  let d = b.then('z:z', 'fc3', 'Dense', { units: 400 });
  d = b.then(d, 'relu3', 'ReLU');
  d = b.then(d, 'fc4', 'Dense', { units: 784 });
  d = b.then(d, 'sigmoid', 'Sigmoid');
  b.then(d, 'reconstruction', 'Output', {}, { name: 'reconstruction' });
  b.group = 'loss';
  b.addGroup('loss', 'Loss', 'Reconstruction (BCE per pixel) + KL to N(0, 1) per pixel: the ELBO / 784.');
  b.node('loss.recon', 'BCE', {}, { col: 2, y: b.rowOf(0) - 200 });
  b.wire(d, 'loss.recon:x');
  b.wire('image', 'loss.recon:target');
  b.node('loss.kl', 'GaussianKL', { scale: 1 / 784 }, { col: 2 });
  b.wire('fc21', 'loss.kl:mu');
  b.wire('fc22', 'loss.kl:logvar');
  b.node('loss', 'Add', { inputs: 2 }, { col: 2 });
  b.wire('loss.recon:loss', 'loss:x0');
  b.wire('loss.kl:loss', 'loss:x1');
  if (latent === 2)
    return b.document(
      'VAE with a 2-D latent',
      'The VAE for MNIST with a latent of two values (784 → 400 → μ, log σ² (2) → z → 400 → 784; 631,188 parameters): the Train panel draws the held-out digits’ μ as they are, scattered by class, and the decoder over a grid of z in [−3, 3]², the picture of Kingma & Welling’s figure 4.',
      { ...classifierTraining('mnist', 1e-3, 5, 64), normalizeInputs: false },
    );
  return b.document(
    'VAE for MNIST digits',
    'Kingma & Welling as in the PyTorch example: 784 → 400 → μ, log σ² (20) → z → 400 → 784. Watch reconstructions sharpen.',
    { ...classifierTraining('mnist', 1e-3, 5, 64), normalizeInputs: false },
  );
}

/** MNIST read row by row: 28 steps of 28 pixels, the classic sequence-model exercise. */
export function lstmTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  let x = b.node('rows', 'Input', { shape: [28, 28], dtype: 'float32' }, { name: 'rows' });
  x = b.then(x, 'lstm', 'LSTM', { hiddenSize: 128, numLayers: 1, returnSequences: false });
  x = b.then(x, 'fc', 'Dense', { units: 10 });
  return classifier(
    b,
    x,
    'LSTM on MNIST rows',
    'An LSTM (Hochreiter & Schmidhuber 1997) reads each digit as 28 rows of 28 pixels and classifies it from its last state; exported as a compact ONNX LSTM op.',
    classifierTraining('mnist', 2e-3, 2, 64),
  );
}

/** A small Transformer encoder over MNIST rows (28 tokens of 28 pixels). */
export function transformerTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  const d = 64;
  let x = b.node('rows', 'Input', { shape: [28, 28], dtype: 'float32' }, { name: 'rows' });
  x = b.then(x, 'embed', 'Dense', { units: d });
  x = b.then(x, 'pos', 'PositionalEncoding', { kind: 'sinusoidal', maxLen: 28 });
  b.addGroup('encoder', 'Encoder', 'Two Transformer encoder layers (4 heads, pre-norm).');
  b.group = 'encoder';
  for (let i = 0; i < 2; i++) {
    x = b.then(x, `encoder.layers.${i}`, 'TransformerEncoderLayer', {
      dModel: d,
      nHead: 4,
      dimFeedforward: 128,
      dropout: 0,
      normFirst: true,
    });
  }
  b.group = undefined;
  x = b.then(x, 'flatten', 'Flatten');
  x = b.then(x, 'fc', 'Dense', { units: 10 });
  return classifier(
    b,
    x,
    'Transformer on MNIST rows',
    'The Transformer encoder of Vaswani et al. 2017 on rows of a digit as 28 tokens: a linear embedding, sinusoidal positions, two encoder layers with multi-head self-attention, a linear classifier.',
    classifierTraining('mnist', 1e-3, 2, 64),
  );
}

export function playgroundTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  let x = b.node('point', 'Input', { shape: [2], dtype: 'float32' }, { name: 'point' });
  // 32 wide at lr 0.03: the default run solves the spirals (100% validation at seed 0; 97.5–100% over seeds 0–3).
  x = b.then(x, 'hidden1', 'Dense', { units: 32 });
  x = b.then(x, 'tanh1', 'Tanh');
  x = b.then(x, 'hidden2', 'Dense', { units: 32 });
  x = b.then(x, 'tanh2', 'Tanh');
  x = b.then(x, 'out', 'Dense', { units: 2 });
  return classifier(
    b,
    x,
    'Playground',
    'Two inputs, two small hidden layers: classify 2-D points (spirals, moons, circles, XOR) as in TensorFlow Playground (Smilkov et al. 2017).',
    classifierTraining('spirals', 0.03, 60, 32),
  );
}

export interface TemplateSource {
  readonly name: string;
  readonly build: () => NetloomDocument;
}

/** In gallery order. */
export const templateSources: readonly TemplateSource[] = [
  { name: 'playground', build: playgroundTemplate },
  { name: 'mlp', build: mlpTemplate },
  { name: 'lenet5', build: lenet5Template },
  { name: 'resnet18', build: resnet18Template },
  { name: 'resnet34', build: resnet34Template },
  { name: 'resnet50', build: resnet50Template },
  { name: 'alexnet', build: alexnetTemplate },
  { name: 'vgg16', build: vgg16Template },
  { name: 'googlenet', build: googlenetTemplate },
  { name: 'mobilenet-v2', build: mobilenetV2Template },
  { name: 'small-vgg', build: smallVggTemplate },
  { name: 'resnet20', build: resnet20Template },
  { name: 'small-mobilenet', build: smallMobileNetTemplate },
  { name: 'unet', build: unetTemplate },
  { name: 'dcgan', build: dcganTemplate },
  { name: 'gan-mnist', build: ganMnistTemplate },
  { name: 'dcgan-mnist', build: dcganMnistTemplate },
  { name: 'cgan-mnist', build: cganMnistTemplate },
  { name: 'vae', build: () => vaeTemplate() },
  { name: 'vae-2d', build: () => vaeTemplate(2) },
  { name: 'conv-autoencoder', build: convAutoencoderTemplate },
  { name: 'denoising-autoencoder', build: denoisingAutoencoderTemplate },
  { name: 'ddpm-mnist', build: ddpmMnistTemplate },
  { name: 'lstm', build: lstmTemplate },
  { name: 'transformer', build: transformerTemplate },
  { name: 'gpt-mini', build: gptMiniTemplate },
  { name: 'gru', build: gruTemplate },
  { name: 'bilstm', build: bilstmTemplate },
  { name: 'text-lstm', build: textLstmTemplate },
  { name: 'gpt-mini-tied', build: gptMiniTiedTemplate },
];
