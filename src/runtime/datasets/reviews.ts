// Generated one-line reviews, word by word, labelled negative (0) or positive (1), where word order
// decides the label: "not" flips the adjective after it, and in "… but …" the clause after "but"
// wins. "the film was good but the music was not great" is negative; the same words in another
// order ("the film was not good but the music was great") are positive, so a bag of words cannot
// tell them apart and a sequence model (Embedding + LSTM) has something to learn.
import { Rng } from '../../util/random.ts';
import type { Dataset } from './dataset.ts';

const subjects = ['film', 'movie', 'plot', 'acting', 'music', 'ending', 'story', 'cast'] as const;
const verbs = ['was', 'is', 'felt', 'seemed'] as const;
const intensifiers = ['very', 'really', 'quite'] as const;
const positive = ['good', 'great', 'fun', 'moving', 'clever', 'lovely'] as const;
const negative = ['bad', 'dull', 'boring', 'weak', 'awful', 'silly'] as const;

/** Token 0 pads a review on the left, so its last word is the recurrent layer's last step. */
export const reviewWords: readonly string[] = [
  '<pad>',
  'the',
  'not',
  'but',
  ...subjects,
  ...verbs,
  ...intensifiers,
  ...positive,
  ...negative,
];

/** Words per review, padded: two clauses of at most six words and "but". */
export const reviewLength = 13;
export const reviewCount = 2000;
export const reviewClassNames = ['negative', 'positive'] as const;

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.floor(rng.next() * xs.length)]!;
}

/** One clause whose meaning is `good`: "the <subject> <verb> [not] [very] <adjective>". */
function clause(rng: Rng, good: boolean): string[] {
  const negated = rng.next() < 0.5;
  const adjectiveGood = good !== negated;
  const words = ['the', pick(rng, subjects), pick(rng, verbs)];
  if (negated) words.push('not');
  if (rng.next() < 0.4) words.push(pick(rng, intensifiers));
  words.push(pick(rng, adjectiveGood ? positive : negative));
  return words;
}

/** Review i as words, and its label: classes alternate, so every prefix of the set is balanced. */
export function reviewExample(rng: Rng, i: number): { words: string[]; label: number } {
  const label = i % 2;
  const good = label === 1;
  // Half the reviews have two clauses; the second decides, the first says anything.
  const words =
    rng.next() < 0.5 ? clause(rng, good) : [...clause(rng, rng.next() < 0.5), 'but', ...clause(rng, good)];
  return { words, label };
}

export function reviewTokens(words: readonly string[]): number[] {
  const ids = words.map((w) => reviewWords.indexOf(w));
  return [...new Array<number>(reviewLength - ids.length).fill(0), ...ids];
}

/** The `reviews` set: always the same 2,000 reviews (seeded), tokens as int64 features. */
export function reviewsDataset(): Dataset {
  const rng = new Rng(17);
  const x = new Float32Array(reviewCount * reviewLength);
  const y = new Float32Array(reviewCount);
  for (let i = 0; i < reviewCount; i++) {
    const { words, label } = reviewExample(rng, i);
    x.set(reviewTokens(words), i * reviewLength);
    y[i] = label;
  }
  return {
    name: 'reviews',
    task: 'classification',
    featureShape: [reviewLength],
    targetShape: [],
    size: reviewCount,
    x,
    y,
    classes: 2,
    classNames: reviewClassNames,
    featureDType: 'int64',
  };
}
