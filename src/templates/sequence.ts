// Sequence templates: GPT-mini, a character-level decoder-only Transformer trained on the shipped
// sonnets (optionally with its output layer tied to the token embedding); GRU and bidirectional-LSTM
// readers of MNIST rows; an Embedding + LSTM classifier of the generated reviews.
// test/tools/reference_generative.py and reference_sequence.py hold the PyTorch modules they are
// checked against (parameter count and weight shapes, in order).
import type { NetloomDocument } from '../document/schema.ts';
import { TemplateBuilder, classifier, classifierTraining } from './template-builder.ts';

/**
 * vocab and context are those of the built-in text sets (src/runtime/datasets/text.ts: newline and
 * printable ASCII, windows of 64); templates may not import the runtime, so a test checks they agree.
 */
export const gptMini = { vocab: 96, context: 64, dModel: 64, heads: 4, layers: 2 } as const;

/**
 * GPT (Radford et al. 2018) in miniature: token and learned position embeddings, pre-norm blocks of
 * causal self-attention and a GELU feed-forward (torch's TransformerEncoderLayer with
 * norm_first=True and a causal mask is exactly GPT-2's block), a final LayerNorm and a linear head
 * to next-character logits. The head is not tied to the token embedding, as in torch's
 * nn.Linear head; an Embedding in 'logits' mode sharing the weights would tie it.
 */
export function gptMiniTemplate(opts: { tied?: boolean } = {}): NetloomDocument {
  const { vocab, context, dModel, heads, layers } = gptMini;
  const b = new TemplateBuilder();
  let x = b.node('tokens', 'Input', { shape: [context], dtype: 'int64' }, { name: 'tokens' });
  b.addGroup(
    'gpt',
    'GPT',
    `${layers} pre-norm causal blocks, d=${dModel}, ${heads} heads, context ${context}.`,
  );
  b.group = 'gpt';
  // A tied table is also the output layer: GPT-2's N(0, 0.02²) keeps the first logits near 0 (a
  // starting loss near ln 96); torch's N(0, 1) would start it near 58 nats.
  const initStd = opts.tied ? { initStd: 0.02 } : {};
  x = b.then(
    x,
    'wte',
    'Embedding',
    { numEmbeddings: vocab, dim: dModel, ...initStd },
    { name: 'token embedding' },
  );
  x = b.then(x, 'wpe', 'PositionalEncoding', { kind: 'learned', maxLen: context }, { name: 'positions' });
  for (let i = 0; i < layers; i++) {
    x = b.then(x, `blocks.${i}`, 'TransformerEncoderLayer', {
      dModel,
      nHead: heads,
      dimFeedforward: 4 * dModel,
      // 13.7 KB of text is little for 116 k weights: without dropout a second epoch memorises it
      // (training loss 1.20, held-out 3.74 nats/char, seed 0).
      dropout: 0.1,
      activation: 'gelu',
      normFirst: true,
      causal: true,
    });
  }
  x = b.then(x, 'ln_f', 'LayerNorm', { normalizedShape: 1 });
  if (opts.tied) {
    // GPT-2's tying (Press & Wolf 2017): the logits are x·Wᵀ with W the token embedding's table.
    x = b.then(
      x,
      'head',
      'Embedding',
      { numEmbeddings: vocab, dim: dModel, mode: 'logits', ...initStd },
      { name: 'tied head' },
    );
    Object.assign(b.nodes.at(-1)!, { sharesWeightsWith: 'wte' });
  } else x = b.then(x, 'head', 'Dense', { units: vocab, bias: false });
  b.group = undefined;
  b.then(x, 'logits', 'Output', {}, { name: 'logits' });
  // CrossEntropy takes classes on axis 1, as torch's does: [N, L, V] → [N, V, L].
  b.node('to_classes', 'Permute', { dims: [1, 0] }, { col: 1, y: b.rowOf(0) - 300 });
  b.wire(x, 'to_classes');
  b.node('next', 'Input', { shape: [context], dtype: 'int64' }, { name: 'next', col: 1 });
  b.node('loss', 'CrossEntropy', {}, { col: 1 });
  b.wire('to_classes', 'loss:x');
  b.wire('next', 'loss:target');
  return b.document(
    opts.tied ? 'GPT-mini, tied embedding' : 'GPT-mini (characters)',
    opts.tied
      ? // Measured (seed 0, `netloom train gpt-mini-tied --steps 150`): held-out 2.4652 nats/char;
        // `netloom train gpt-mini --steps 150`: 2.3266. At N(0, 1) the tied run started near 58
        // nats and reached 2.57.
        `Weight tying (Press & Wolf 2017) in GPT-mini: the output layer reuses the token embedding, 6,144 fewer weights, otherwise the same ${layers} pre-norm causal blocks over ${context} characters on the shipped sonnets. The shared table starts as GPT-2's does, N(0, 0.02²) (torch's nn.Embedding draws N(0, 1), whose first logits are tens of nats apart), so the first loss is near ln 96 ≈ 4.6 nats: after 150 steps it reaches 2.47 nats per character held out, the untied model 2.33 (a unigram model: 3.14). "Try it" continues a prompt character by character.`
      : `A character-level GPT (Radford et al. 2018): ${layers} pre-norm Transformer blocks with causal self-attention over ${context} characters, learned positions, next-character cross-entropy. Trains on the shipped Shakespeare sonnets (public domain): the default 2 epochs reach about 2.3 nats per character on the held-out last sonnets (a unigram model: 3.14), and samples show words and verse lines. "Try it" continues a prompt character by character.`,
    {
      dataset: 'sonnets',
      batchSize: 32,
      // Measured (seed 0, `netloom train gpt-mini`): held-out 2.25 nats/char after one epoch,
      // 2.31 after two, when samples have words, verse lines and sonnet numerals.
      epochs: 2,
      seed: 0,
      validationSplit: 0.1,
      objectives: [{ name: 'main', loss: 'loss', params: 'all', optimizer: { name: 'adam', lr: 3e-3 } }],
    },
  );
}

/** The tied variant: the head scores against the token embedding's table instead of its own. */
export function gptMiniTiedTemplate(): NetloomDocument {
  return gptMiniTemplate({ tied: true });
}

/** MNIST read row by row by a GRU: 28 steps of 28 pixels, classified from the last state. */
export function gruTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  let x = b.node('rows', 'Input', { shape: [28, 28], dtype: 'float32' }, { name: 'rows' });
  x = b.then(x, 'gru', 'GRU', { hiddenSize: 128, numLayers: 1, returnSequences: false });
  x = b.then(x, 'fc', 'Dense', { units: 10 });
  return classifier(
    b,
    x,
    'GRU on MNIST rows',
    'A gated recurrent unit (Cho et al. 2014): update and reset gates instead of an LSTM cell, a quarter fewer weights; it reads each digit as 28 rows of 28 pixels and classifies it from its last state. Exported as the ONNX GRU op (linear_before_reset, as torch computes).',
    classifierTraining('mnist', 2e-3, 2, 64),
  );
}

/** MNIST rows read both ways by an LSTM: the last states of the two directions side by side. */
export function bilstmTemplate(): NetloomDocument {
  const b = new TemplateBuilder();
  let x = b.node('rows', 'Input', { shape: [28, 28], dtype: 'float32' }, { name: 'rows' });
  x = b.then(x, 'lstm', 'LSTM', {
    hiddenSize: 64,
    numLayers: 1,
    bidirectional: true,
    returnSequences: false,
  });
  x = b.then(x, 'fc', 'Dense', { units: 10 });
  return classifier(
    b,
    x,
    'Bidirectional LSTM on MNIST rows',
    'A bidirectional LSTM (Schuster & Paliwal 1997; Graves & Schmidhuber 2005): one LSTM reads the 28 rows top to bottom, another bottom to top, and the classifier sees both final states (2 × 64). Exported as one ONNX LSTM op with direction "bidirectional".',
    classifierTraining('mnist', 2e-3, 2, 64),
  );
}

/**
 * The reviews set's words and padded length (src/runtime/datasets/reviews.ts); templates may not
 * import the runtime, so a test checks they agree.
 */
export const textClassifier = { vocab: 31, length: 13, dim: 16, hidden: 32 } as const;

/** Token ids → learned word vectors → an LSTM's last state → negative or positive. */
export function textLstmTemplate(): NetloomDocument {
  const { vocab, length, dim, hidden } = textClassifier;
  const b = new TemplateBuilder();
  let x = b.node('words', 'Input', { shape: [length], dtype: 'int64' }, { name: 'words' });
  x = b.then(x, 'embed', 'Embedding', { numEmbeddings: vocab, dim }, { name: 'word vectors' });
  x = b.then(x, 'lstm', 'LSTM', { hiddenSize: hidden, numLayers: 1, returnSequences: false });
  x = b.then(x, 'fc', 'Dense', { units: 2 });
  return classifier(
    b,
    x,
    'Text classifier (Embedding + LSTM)',
    'An LSTM (Hochreiter & Schmidhuber 1997) over learned word vectors: word ids → a 16-wide vector per word (an Embedding) → the LSTM, whose last state says negative or positive. Trains on the generated reviews, where order decides: "not" flips the word after it and the clause after "but" wins, so the same words in another order can mean the opposite. The default 3 epochs reach 100% validation accuracy (seed 0).',
    // Measured (seed 0, `netloom train text-lstm`): 100% validation accuracy from the first epoch.
    classifierTraining('reviews', 1e-2, 3, 32),
  );
}
