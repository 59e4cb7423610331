const WORDS = (
  'Lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore ' +
  'magna aliqua Ut enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo ' +
  'consequat Duis aute irure in reprehenderit voluptate velit esse cillum eu fugiat nulla pariatur Excepteur sint ' +
  'occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum'
).split(' ');

/**
 * The mock's output text: token i is a word (with a leading space after the first).
 * One long string and its token offsets are built once, so the text of n tokens is a slice,
 * already safe inside a JSON string (plain ASCII letters and spaces).
 */
export class MockText {
  private readonly text: string;
  private readonly offsets: Uint32Array;
  /** JSON literal of the first token, and of " word" for every word. */
  private readonly firstJson: string;
  private readonly spacedJson: string[];

  constructor(maxTokens: number) {
    const parts: string[] = [];
    this.offsets = new Uint32Array(maxTokens + 1);
    let length = 0;
    for (let i = 0; i < maxTokens; i++) {
      const token = tokenText(i);
      parts.push(token);
      length += token.length;
      this.offsets[i + 1] = length;
    }
    this.text = parts.join('');
    this.firstJson = JSON.stringify(tokenText(0));
    this.spacedJson = WORDS.map((word) => JSON.stringify(` ${word}`));
  }

  /** Text of the first `tokens` tokens (tokens <= maxTokens). */
  content(tokens: number): string {
    return this.text.slice(0, this.offsets[tokens]);
  }

  /** JSON literal (with quotes) of token i. */
  tokenLiteral(i: number): string {
    return i === 0 ? this.firstJson : this.spacedJson[i % WORDS.length]!;
  }
}

function tokenText(i: number): string {
  return i === 0 ? WORDS[0]! : ` ${WORDS[i % WORDS.length]!}`;
}

/** Concatenated text of a chat/responses content value: a string or a list of text parts. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let out = '';
  for (const part of content) {
    if (typeof part === 'object' && part !== null) {
      const text = (part as { text?: unknown }).text;
      if (typeof text === 'string') out += text;
    }
  }
  return out;
}
