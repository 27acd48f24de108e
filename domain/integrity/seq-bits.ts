/**
 * A set of seqs (1, 2, 3, ...) kept as one bit each: a verify of a tenant with millions of archived
 * events marks each leaf whose row is gone in 1/8 of a byte instead of an entry of a few hundred.
 */
export class SeqBits {
  private bits = new Uint8Array(1024);
  private members = 0;

  add(seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 1) throw new RangeError(`a seq is a whole number from 1, not ${seq}`);
    const byte = (seq - 1) >> 3;
    if (byte >= this.bits.length) {
      const grown = new Uint8Array(Math.max(byte + 1, this.bits.length * 2));
      grown.set(this.bits);
      this.bits = grown;
    }
    const mask = 1 << ((seq - 1) & 7);
    if (((this.bits[byte] as number) & mask) === 0) this.members += 1;
    this.bits[byte] = (this.bits[byte] as number) | mask;
  }

  has(seq: number): boolean {
    const byte = (seq - 1) >> 3;
    return seq >= 1 && byte < this.bits.length && ((this.bits[byte] as number) & (1 << ((seq - 1) & 7))) !== 0;
  }

  get size(): number {
    return this.members;
  }

  /** The seqs held, in ascending order, leaving out those `except` holds. */
  *ascending(except?: SeqBits): Generator<number> {
    for (let byte = 0; byte < this.bits.length; byte += 1) {
      const value = this.bits[byte] as number;
      if (value === 0) continue;
      for (let bit = 0; bit < 8; bit += 1) {
        const seq = byte * 8 + bit + 1;
        if ((value & (1 << bit)) !== 0 && !except?.has(seq)) yield seq;
      }
    }
  }
}
