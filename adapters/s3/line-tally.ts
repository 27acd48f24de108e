const NEWLINE = 10;

/**
 * Counts the lines of a byte stream as its chunks pass, and keeps its first line and the last
 * complete one, without splitting the stream into lines: a line may span chunks; only the two
 * kept lines are ever copied out of them.
 */
export class LineTally {
  lines = 0;
  private firstLine: Buffer | undefined;
  private lastLine: Buffer | undefined;
  /** The bytes after the last newline seen, in the chunks they came in. */
  private partial: Buffer[] = [];

  push(chunk: Buffer): void {
    let lineStart = 0;
    let lastNewline = -1;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) {
      if (this.lines === 0) this.firstLine = this.lineEndingAt(chunk, lineStart, at);
      this.lines += 1;
      lastNewline = at;
      lineStart = at + 1;
    }
    if (lastNewline === -1) {
      this.partial.push(chunk);
      return;
    }
    this.lastLine = this.lineEndingAt(chunk, this.startOfLineEndingAt(chunk, lastNewline), lastNewline);
    this.partial = lastNewline + 1 < chunk.length ? [chunk.subarray(lastNewline + 1)] : [];
  }

  first(): string | undefined {
    return this.firstLine?.toString('utf8');
  }

  last(): string | undefined {
    return this.lastLine?.toString('utf8');
  }

  /** Bytes after the last newline: a stream of whole lines has none at its end. */
  get trailingBytes(): number {
    return this.partial.reduce((sum, part) => sum + part.length, 0);
  }

  private startOfLineEndingAt(chunk: Buffer, newline: number): number {
    const previous = newline === 0 ? -1 : chunk.lastIndexOf(NEWLINE, newline - 1);
    return previous + 1;
  }

  /** A copy of the line ending at `newline`, with the carried partial bytes when it starts in an earlier chunk. */
  private lineEndingAt(chunk: Buffer, start: number, newline: number): Buffer {
    const own = chunk.subarray(start, newline);
    return start === 0 && this.partial.length > 0 ? Buffer.concat([...this.partial, own]) : Buffer.from(own);
  }
}
