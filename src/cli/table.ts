// Compact storage for lists of millions of lines: growable typed arrays, and a set of
// phones kept as numbers. A phone is at most 15 digits (E.164) and never starts with 0, so
// it is an exact double: 8 bytes a phone instead of a string and a Map entry (~100 bytes).

/** An Int32Array that grows as values are pushed. */
export class IntList {
  private data: Int32Array;
  length = 0;

  constructor(capacity = 1024) {
    this.data = new Int32Array(capacity);
  }

  push(value: number): void {
    if (this.length === this.data.length) {
      const bigger = new Int32Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = value;
  }

  at(index: number): number {
    return this.data[index]!;
  }

  set(index: number, value: number): void {
    this.data[index] = value;
  }
}

/** Unique phones in the order first added, each with its index. */
export class PhoneSet {
  private keys: Float64Array;
  private slots: Int32Array;
  private values: Float64Array;
  size = 0;

  constructor(capacity = 1024) {
    this.values = new Float64Array(capacity);
    this.keys = new Float64Array(capacity * 2);
    this.slots = new Int32Array(capacity * 2);
  }

  /** The phone's index, adding it when new. */
  add(phone: string): { index: number; added: boolean } {
    const key = toKey(phone);
    const found = this.find(key);
    if (found >= 0) return { index: found, added: false };
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    const index = this.size++;
    this.values[index] = key;
    this.insert(key, index);
    return { index, added: true };
  }

  /** The phone's index, or -1. */
  indexOf(phone: string): number {
    return /^[1-9][0-9]{0,14}$/.test(phone) ? this.find(toKey(phone)) : -1;
  }

  get(index: number): string {
    return String(this.values[index]);
  }

  private find(key: number): number {
    const mask = this.keys.length - 1;
    for (let slot = hash(key) & mask; ; slot = (slot + 1) & mask) {
      const at = this.keys[slot]!;
      if (at === 0) return -1;
      if (at === key) return this.slots[slot]!;
    }
  }

  private insert(key: number, index: number): void {
    const mask = this.keys.length - 1;
    let slot = hash(key) & mask;
    while (this.keys[slot] !== 0) slot = (slot + 1) & mask;
    this.keys[slot] = key;
    this.slots[slot] = index;
  }

  private grow(): void {
    this.keys = new Float64Array(this.keys.length * 2);
    this.slots = new Int32Array(this.slots.length * 2);
    for (let i = 0; i < this.size; i++) this.insert(this.values[i]!, i);
  }
}

function toKey(phone: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(phone)) throw new Error(`not a phone's digits: ${phone}`);
  return Number(phone);
}

function hash(key: number): number {
  const low = key % 4294967296;
  const high = (key - low) / 4294967296;
  let h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** FNV-1a of a string: to tell, on a second read, whether a cell is the one read the first time. */
export function fingerprint(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h | 0;
}
