/**
 * A small seeded random number generator for everything data-side in training:
 * shuffling, masking, NSP pairing, dropout seeds. `Math.random` cannot be seeded,
 * and a run is only reproducible if every random choice flows from one seed.
 *
 * The generator is sfc32 (Chris Doty-Humphrey's Small Fast Counting generator):
 * 128 bits of state, passes PractRand, and is a few lines of 32-bit integer math.
 * Its state is filled from the seed by splitmix32 so nearby seeds give unrelated streams.
 */
/** sfc32's four 32-bit words. */
export type RandomState = [number, number, number, number];

export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Random: seed must be a finite number, got ${seed}`);
    let s = Math.floor(seed) >>> 0;
    const splitmix32 = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = splitmix32();
    this.b = splitmix32();
    this.c = splitmix32();
    this.d = splitmix32();
    // Discard the first outputs: sfc32 mixes its state over its first dozen steps.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** The generator's 128-bit state, so a run can be checkpointed and resumed exactly. */
  state(): RandomState {
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** Puts this generator back to a state from `state()`. */
  setState(state: RandomState): void {
    const other = Random.fromState(state);
    [this.a, this.b, this.c, this.d] = [other.a, other.b, other.c, other.d];
  }

  /** A generator that continues exactly where the one whose `state()` this is stood. */
  static fromState(state: RandomState): Random {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff)) {
      throw new Error(`Random.fromState: expected four unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    const rng = new Random(0);
    [rng.a, rng.b, rng.c, rng.d] = state;
    return rng;
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.uint32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Random.int: n must be a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** A standard normal sample (Box–Muller). */
  normal(): number {
    let u = 0;
    while (u === 0) u = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** One element of a non-empty array. */
  choice<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("Random.choice: the array is empty");
    return items[this.int(items.length)];
  }

  /**
   * An independent generator seeded from this one, so that a consumer that draws
   * a variable number of values (e.g. dropout) does not shift everyone else's stream.
   */
  fork(): Random {
    return new Random(this.uint32());
  }

  /** Seeds for the model's dropout masks (`training` of the forward), drawn from this generator; never 0. */
  dropoutSeeds(): { nextSeed(): number } {
    return { nextSeed: () => this.uint32() || 1 };
  }
}
