/**
 * Bytes a remembered `messageId` is reckoned to hold: two a character (V8 keeps a string
 * with any character past U+00FF at two bytes each), and about 100 for its entry, its Map
 * slot and its queue slot. Reckoned high, so the bound holds whatever the ids are.
 */
export const entryBytes = (id: string): number => 2 * id.length + 100;

interface Entry {
  readonly id: string;
  /** When it is forgotten (Date.now() time). */
  readonly until: number;
  readonly bytes: number;
}

/**
 * The `messageId`s of deliveries that reached `onEvent`, so a repeat reaches it once.
 *
 * - A delivery whose `onEvent` is still running is in `running`, which nothing evicts: its
 *   repeat waits for its outcome instead of running `onEvent` a second time. That map is
 *   as large as the deliveries in progress, whose bodies are held anyway.
 * - One that succeeded is remembered for the window from when it succeeded, in `remembered`
 *   and at the back of a queue. Success order is expiry order, so the expired are dropped
 *   from the queue's front, and so are the oldest when the count or the bytes go over their
 *   bound. The queue is an array read from a moving head: dropping the oldest costs the
 *   same at 10 entries as at 10,000. (Deleting the first of a Map's entries does not: V8
 *   leaves the deleted slots in place until it rehashes, and every look for the first
 *   entry walks over them.)
 * - One that failed is forgotten, so the sender's retry reaches `onEvent` again.
 */
export class DeliveryMemory {
  private readonly running = new Map<string, Promise<boolean>>();
  private readonly remembered = new Map<string, Entry>();
  private queue: (Entry | undefined)[] = [];
  private head = 0;
  private bytes = 0;

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
    private readonly maxBytes: number,
  ) {}

  /**
   * What is known of `id`: the outcome of its delivery still running, `true` if it
   * succeeded within the window, `undefined` if it is not remembered.
   */
  find(id: string, now: number): Promise<boolean> | true | undefined {
    this.expire(now);
    const running = this.running.get(id);
    if (running !== undefined) return running;
    const entry = this.remembered.get(id);
    return entry !== undefined && entry.until > now ? true : undefined;
  }

  /** `id`'s delivery has started; `outcome` says whether `onEvent` succeeded. */
  start(id: string, outcome: Promise<boolean>): void {
    this.running.set(id, outcome);
  }

  /** `id`'s delivery is over: remembered if it succeeded, forgotten if not. */
  settle(id: string, outcome: Promise<boolean>, ok: boolean, now: number): void {
    if (this.running.get(id) !== outcome) return;
    this.running.delete(id);
    if (ok) this.remember(id, now);
  }

  /** `id`'s delivery succeeded (at once, or once it settled). */
  remember(id: string, now: number): void {
    const entry: Entry = { id, until: now + this.windowMs, bytes: entryBytes(id) };
    this.remembered.set(id, entry);
    this.queue.push(entry);
    this.bytes += entry.bytes;
    while (this.queue.length - this.head > this.maxEntries || this.bytes > this.maxBytes) this.dropOldest();
  }

  /** How many ids are remembered and running, and the bytes reckoned for the remembered. */
  get size(): { readonly remembered: number; readonly running: number; readonly bytes: number } {
    return { remembered: this.queue.length - this.head, running: this.running.size, bytes: this.bytes };
  }

  private expire(now: number): void {
    for (let entry = this.queue[this.head]; entry !== undefined && entry.until <= now; entry = this.queue[this.head]) this.dropOldest();
  }

  private dropOldest(): void {
    const entry = this.queue[this.head];
    if (entry === undefined) return;
    this.queue[this.head++] = undefined;
    this.bytes -= entry.bytes;
    // A later success of the same id may have replaced it (a clock set back can reorder).
    if (this.remembered.get(entry.id) === entry) this.remembered.delete(entry.id);
    // Drop the dead front now and then: a copy of the live half, so each entry is copied
    // at most once on average.
    if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
