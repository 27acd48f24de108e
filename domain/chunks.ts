/** `items` in arrays of `size` (the last may be shorter), taken lazily: the input may be any iterable, another `chunks` included. */
export function* chunks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`chunks of ${size} items`);
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length < size) continue;
    yield chunk;
    chunk = [];
  }
  if (chunk.length > 0) yield chunk;
}
