/**
 * A cache for the hot path: entries used in the current generation or the one before stay, older
 * ones go when a generation of `capacity / 2` new entries fills. A hit is one or two Map reads, never
 * a re-insertion (an LRU's cost on every hit); it holds at most `capacity` entries.
 */
export class GenerationalCache<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();
  private readonly generationSize: number;

  constructor(readonly capacity: number) {
    assertCapacity(capacity);
    this.generationSize = Math.max(1, Math.floor(capacity / 2));
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  get(key: K): V | undefined {
    const value = this.current.get(key);
    if (value !== undefined) return value;
    const older = this.previous.get(key);
    // Used again: carried into the current generation, so it outlives the previous one.
    if (older !== undefined) this.set(key, older);
    return older;
  }

  set(key: K, value: V): void {
    if (this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
  }
}

function assertCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 1) {
    throw new RangeError(`a cache holds at least one entry, not ${capacity}`);
  }
}
