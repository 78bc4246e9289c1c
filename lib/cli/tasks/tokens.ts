/**
 * Tokenization of the task commands: `char` (one symbol per character, code point by code
 * point) or `word` (tokens separated by white space). Stored in checkpoints so that predict
 * splits its input the way training did.
 */
export type Tokenization = 'char' | 'word';
export const TOKENIZATIONS: readonly Tokenization[] = ['char', 'word'];

/** Splits text into tokens. */
export function tokenize(text: string, how: Tokenization): string[] {
  return how === 'char' ? [...text] : text.split(/\s+/).filter((t) => t !== '');
}

/** Joins tokens back into text: nothing between characters, one space between words. */
export function detokenize(tokens: readonly string[], how: Tokenization): string {
  return tokens.join(how === 'char' ? '' : ' ');
}
