import { distance } from 'fastest-levenshtein';
import { normaliseCompanyName } from './normalise.js';

/**
 * Similarity of two company names in [0, 1], on their normalised forms:
 * 1 − Levenshtein distance / longer length. Levenshtein rather than
 * Jaro-Winkler because the typical near-duplicate is a typo or a dropped word
 * anywhere in the name, not a shared prefix; fastest-levenshtein keeps it cheap
 * enough to compare one name against a whole directory.
 */
export function nameSimilarity(a: string, b: string): number {
  return normalisedSimilarity(normaliseCompanyName(a), normaliseCompanyName(b));
}

const numbersOf = (name: string): string => (name.match(/\d+/g) ?? []).join(' ');

/**
 * The same on names already passed through normaliseCompanyName. Numbers in
 * both names must agree: "Agence 12" and "Agence 13" are two branches, not a
 * typo, however close the letters.
 */
export function normalisedSimilarity(a: string, b: string, numbersA = numbersOf(a), numbersB = numbersOf(b)): number {
  if (a === '' || b === '') return 0;
  if (a === b) return 1;
  if (numbersA !== '' && numbersB !== '' && numbersA !== numbersB) return 0;
  const longer = Math.max(a.length, b.length);
  return 1 - distance(a, b) / longer;
}

export const defaultSuggestionThreshold = 0.85;

export interface NameCandidate<Id> {
  readonly id: Id;
  readonly name: string;
  readonly score: number;
}

/**
 * Fuzzy suggestions without comparing against every name: names are blocked
 * by their words, and only names sharing one of the query's two rarest
 * blocks (and close enough in length to reach the threshold) are scored. A
 * near-duplicate of a name of several words keeps most of them, so it shares
 * a rare one; common words ("garage", "france") would cost a comparison with
 * half the directory and say little. A block held by more than
 * `maxBlock` names is not searched at all, which keeps a 100,000-name
 * directory fast to search.
 */
export class NameIndex<Id = string> {
  private readonly blocks = new Map<string, { id: Id; name: string; normalised: string; numbers: string }[]>();

  constructor(
    private readonly maxBlock = 300,
    /** Names scored per search at most, rarest blocks first: bounds the cost of a name made of common words. */
    private readonly maxComparisons = 25,
  ) {}

  add(id: Id, name: string): void {
    const normalised = normaliseCompanyName(name);
    if (normalised === '') return;
    const entry = { id, name, normalised, numbers: numbersOf(normalised) };
    for (const block of blocksOf(normalised)) {
      const list = this.blocks.get(block);
      if (list === undefined) this.blocks.set(block, [entry]);
      else if (list.length <= this.maxBlock) list.push(entry);
    }
  }

  /** Candidates scoring at least `threshold`, best first, at most `limit`; exact equals included. */
  similar(name: string, threshold = defaultSuggestionThreshold, limit = 3): NameCandidate<Id>[] {
    const normalised = normaliseCompanyName(name);
    if (normalised === '') return [];
    const slack = Math.floor((normalised.length * (1 - threshold)) / threshold);
    const numbers = numbersOf(normalised);
    const found: NameCandidate<Id>[] = [];
    const rarest = [...blocksOf(normalised)]
      .map((block) => this.blocks.get(block))
      .filter((list) => list !== undefined && list.length <= this.maxBlock)
      .sort((x, y) => x!.length - y!.length)
      .slice(0, 2);
    const seen = rarest.length > 1 ? new Set<Id>() : null;
    let budget = this.maxComparisons;
    for (const list of rarest) {
      for (const entry of list!) {
        if (Math.abs(entry.normalised.length - normalised.length) > slack || seen?.has(entry.id)) continue;
        if (budget === 0) break;
        budget--;
        seen?.add(entry.id);
        const score = normalisedSimilarity(normalised, entry.normalised, numbers, entry.numbers);
        if (score >= threshold) found.push({ id: entry.id, name: entry.name, score });
      }
    }
    return found.sort((x, y) => y.score - x.score).slice(0, limit);
  }
}

/** Whole words; a one-word name also by its first three letters, so a typo in its only word is still found. */
function blocksOf(normalised: string): Set<string> {
  const words = normalised.split(' ');
  return new Set(words.length === 1 ? [words[0]!, `${words[0]!.slice(0, 3)}…`] : words);
}
