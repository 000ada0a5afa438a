// Sequence templates that generate: GPT-mini, a character-level decoder-only Transformer trained on
// the shipped sonnets. test/tools/reference_generative.py holds the PyTorch module it is checked
// against (parameter count and weight shapes, in order).
import type { NetloomDocument } from '../document/schema.ts';
import { TemplateBuilder } from './template-builder.ts';

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
export function gptMiniTemplate(): NetloomDocument {
  const { vocab, context, dModel, heads, layers } = gptMini;
  const b = new TemplateBuilder();
  let x = b.node('tokens', 'Input', { shape: [context], dtype: 'int64' }, { name: 'tokens' });
  b.addGroup(
    'gpt',
    'GPT',
    `${layers} pre-norm causal blocks, d=${dModel}, ${heads} heads, context ${context}.`,
  );
  b.group = 'gpt';
  x = b.then(x, 'wte', 'Embedding', { numEmbeddings: vocab, dim: dModel }, { name: 'token embedding' });
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
  x = b.then(x, 'head', 'Dense', { units: vocab, bias: false });
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
    'GPT-mini (characters)',
    `A character-level GPT (Radford et al. 2018): ${layers} pre-norm Transformer blocks with causal self-attention over ${context} characters, learned positions, next-character cross-entropy. Trains on the shipped Shakespeare sonnets (public domain): the default 2 epochs reach about 2.3 nats per character on the held-out last sonnets (a unigram model: 3.14), and samples show words and verse lines. "Try it" continues a prompt character by character.`,
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
