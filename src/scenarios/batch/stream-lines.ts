/**
 * Bytes in, lines out, as a file streams: only the unfinished last line is kept between
 * chunks. Splitting on the byte 0x0A is safe in UTF-8 (no multi-byte sequence contains it), so
 * a character cut across two chunks is decoded whole. A trailing `\r` (CRLF files) is dropped.
 */
export class LineSplitter {
  private parts: Buffer[] = [];

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
      const piece = chunk.subarray(start, nl);
      if (this.parts.length === 0) this.emit(piece);
      else {
        this.parts.push(piece);
        this.emit(Buffer.concat(this.parts));
        this.parts = [];
      }
      start = nl + 1;
    }
    // copy: the chunk's memory may be reused by whoever handed it over
    if (start < chunk.length) this.parts.push(Buffer.from(chunk.subarray(start)));
  }

  /** The last line, when the file does not end with a newline. */
  end(): void {
    if (this.parts.length > 0) this.emit(Buffer.concat(this.parts));
    this.parts = [];
  }

  private emit(bytes: Buffer): void {
    const n = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
    this.onLine(bytes.toString('utf8', 0, n));
  }
}
