import { createReadStream } from 'node:fs';

export interface InputLine {
  /** 1-based line number in the file. */
  number: number;
  text: string;
}

/**
 * Lines of a JSONL file, streamed (a 200 MB input is never held whole). Blank lines are skipped
 * but still counted, so line numbers match what an editor shows. Tolerates CRLF and a leading
 * UTF-8 byte order mark.
 */
export async function* readLines(path: string): AsyncGenerator<InputLine> {
  let carry = '';
  let number = 0;
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  let first = true;
  for await (const chunk of stream as AsyncIterable<string>) {
    // a UTF-8 byte order mark at the start of the file is no part of line 1
    const text = carry + (first && chunk.charCodeAt(0) === 0xfeff ? chunk.slice(1) : chunk);
    first = false;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      number++;
      const line = text.slice(start, nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
      start = nl + 1;
      if (line.trim().length > 0) yield { number, text: line };
    }
    carry = text.slice(start);
  }
  if (carry.trim().length > 0) yield { number: number + 1, text: carry.endsWith('\r') ? carry.slice(0, -1) : carry };
}
