/**
 * Prompt text of an exact length, fast enough for 200 MB in seconds: one pool of seeded random
 * words is built once and every prompt is a slice of it (ASCII letters and spaces only, so JSON
 * needs no escaping and characters = bytes). A shared prefix is the pool's first characters.
 */
import { CHARS_PER_TOKEN } from '../util/tokens.js';

const WORDS = (
  'the of and to in is that for it as was with be by on not he this are or his from at which but have an they you ' +
  'were her she there been one all we their has would when if so no will more about can said up out what its into ' +
  'them only other new some could time these two may then first any like now my such make over our even most me ' +
  'state after also made many did must before back see through way where get much go well your know should down ' +
  'work year because come people just say each those take day good how long own too little use us very great world ' +
  'system river mountain energy light water history science music market city garden ocean planet theory question'
).split(' ');

export class TextPool {
  private readonly pool: string;

  constructor(random: () => number, minChars = 1 << 20) {
    const parts: string[] = [];
    let length = 0;
    while (length < minChars) {
      const w = WORDS[Math.floor(random() * WORDS.length)]!;
      parts.push(w);
      length += w.length + 1;
    }
    this.pool = parts.join(' ');
  }

  get size(): number {
    return this.pool.length;
  }

  /** `chars` characters starting at `offset` (wrapping around the pool). */
  slice(offset: number, chars: number): string {
    const p = this.pool;
    let start = offset % p.length;
    let out = '';
    while (out.length < chars) {
      const take = Math.min(chars - out.length, p.length - start);
      out += p.slice(start, start + take);
      start = 0;
    }
    return out;
  }

  /**
   * A prompt of exactly `tokens` tokens by the 4-characters rule: the shared prefix (the pool's
   * first `sharedTokens` tokens), then `marker` (unique per line), then text from `offset`.
   */
  prompt(tokens: number, sharedTokens: number, marker: string, offset: number): string {
    const total = tokens * CHARS_PER_TOKEN;
    const shared = Math.min(total, sharedTokens * CHARS_PER_TOKEN);
    const head = shared > 0 ? this.slice(0, shared) : '';
    const rest = total - shared;
    if (rest <= 0) return head;
    const unique = `${marker} ${this.slice(offset, rest)}`;
    return head + unique.slice(0, rest);
  }
}
