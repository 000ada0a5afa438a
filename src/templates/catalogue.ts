// The templates shipped with Netloom, imported statically so a browser build bundles them.
// templates/*.json are written by scripts/build-templates.ts from src/templates/build.ts.
import type { NetloomDocument } from '../document/schema.ts';
import { parseDocumentValue } from '../document/parse.ts';
import playground from '../../templates/playground.json' with { type: 'json' };
import mlp from '../../templates/mlp.json' with { type: 'json' };
import lenet5 from '../../templates/lenet5.json' with { type: 'json' };
import resnet18 from '../../templates/resnet18.json' with { type: 'json' };
import resnet34 from '../../templates/resnet34.json' with { type: 'json' };
import resnet50 from '../../templates/resnet50.json' with { type: 'json' };
import alexnet from '../../templates/alexnet.json' with { type: 'json' };
import vgg16 from '../../templates/vgg16.json' with { type: 'json' };
import googlenet from '../../templates/googlenet.json' with { type: 'json' };
import mobilenetV2 from '../../templates/mobilenet-v2.json' with { type: 'json' };
import smallVgg from '../../templates/small-vgg.json' with { type: 'json' };
import resnet20 from '../../templates/resnet20.json' with { type: 'json' };
import smallMobilenet from '../../templates/small-mobilenet.json' with { type: 'json' };
import unet from '../../templates/unet.json' with { type: 'json' };
import dcgan from '../../templates/dcgan.json' with { type: 'json' };
import ganMnist from '../../templates/gan-mnist.json' with { type: 'json' };
import dcganMnist from '../../templates/dcgan-mnist.json' with { type: 'json' };
import cganMnist from '../../templates/cgan-mnist.json' with { type: 'json' };
import convAutoencoder from '../../templates/conv-autoencoder.json' with { type: 'json' };
import denoisingAutoencoder from '../../templates/denoising-autoencoder.json' with { type: 'json' };
import ddpmMnist from '../../templates/ddpm-mnist.json' with { type: 'json' };
import lstm from '../../templates/lstm.json' with { type: 'json' };
import vae from '../../templates/vae.json' with { type: 'json' };
import vae2d from '../../templates/vae-2d.json' with { type: 'json' };
import transformer from '../../templates/transformer.json' with { type: 'json' };
import gptMini from '../../templates/gpt-mini.json' with { type: 'json' };
import gru from '../../templates/gru.json' with { type: 'json' };
import bilstm from '../../templates/bilstm.json' with { type: 'json' };
import textLstm from '../../templates/text-lstm.json' with { type: 'json' };
import gptMiniTied from '../../templates/gpt-mini-tied.json' with { type: 'json' };

export interface TemplateInfo {
  /** What the CLI and URLs call it: `netloom inspect resnet18`. */
  readonly name: string;
  readonly title: string;
  readonly description: string;
}

const raw: Readonly<Record<string, unknown>> = {
  playground,
  mlp,
  lenet5,
  resnet18,
  resnet34,
  resnet50,
  alexnet,
  vgg16,
  googlenet,
  'mobilenet-v2': mobilenetV2,
  'small-vgg': smallVgg,
  resnet20,
  'small-mobilenet': smallMobilenet,
  unet,
  dcgan,
  'gan-mnist': ganMnist,
  'dcgan-mnist': dcganMnist,
  'cgan-mnist': cganMnist,
  vae,
  'vae-2d': vae2d,
  'conv-autoencoder': convAutoencoder,
  'denoising-autoencoder': denoisingAutoencoder,
  'ddpm-mnist': ddpmMnist,
  lstm,
  transformer,
  'gpt-mini': gptMini,
  gru,
  bilstm,
  'text-lstm': textLstm,
  'gpt-mini-tied': gptMiniTied,
};

function info(name: string, value: unknown): TemplateInfo {
  const doc = parseDocumentValue(value, `templates/${name}.json`);
  return { name, title: doc.name, description: doc.description };
}

export const templates: readonly TemplateInfo[] = Object.entries(raw).map(([n, v]) => info(n, v));

/** A fresh copy of a template's document, or undefined for an unknown name. */
export function loadTemplate(name: string): NetloomDocument | undefined {
  const value = raw[name];
  return value === undefined
    ? undefined
    : parseDocumentValue(structuredClone(value), `templates/${name}.json`);
}

export function templateNames(): string[] {
  return Object.keys(raw);
}
