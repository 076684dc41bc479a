// The partitions a consumer-group member owns, for both pipelines (processor and projector): each is claimed
// when assigned (the claim bumps its owner epoch in PostgreSQL), runs one batch at a time, and is released on
// revocation only after its batch in flight has finished, so the next owner starts from a settled checkpoint.
// A batch that finds itself fenced (a newer epoch took the partition behind this member's back) reports it
// once: the member must stop, not retry.
import { FencedError } from '../errors.js';

export interface Owned {
  /** The batch being processed, so a revocation or shutdown can wait for it. */
  inFlight: Promise<void>;
}

export interface PartitionOwnershipOptions<T extends Owned> {
  /** Claims one newly assigned partition: loads what processing it needs, and where it starts. */
  claim(partition: number): Promise<T>;
  /** The partition left this member (after its batch in flight finished). */
  released?(partition: number, owned: T): void;
  onFenced(error: FencedError): void;
}

export class PartitionOwnership<T extends Owned> {
  private readonly owned = new Map<number, T>();

  constructor(private readonly options: PartitionOwnershipOptions<T>) {}

  get partitions(): number[] {
    return [...this.owned.keys()];
  }

  get size(): number {
    return this.owned.size;
  }

  get(partition: number): T | undefined {
    return this.owned.get(partition);
  }

  values(): IterableIterator<T> {
    return this.owned.values();
  }

  /** Claims each partition in turn (claims are transactions of their own); returns what was claimed. */
  async assign(partitions: readonly number[]): Promise<ReadonlyMap<number, T>> {
    const claimed = new Map<number, T>();
    for (const partition of partitions) {
      const owned = await this.options.claim(partition);
      this.owned.set(partition, owned);
      claimed.set(partition, owned);
    }
    return claimed;
  }

  async revoke(partitions: readonly number[]): Promise<void> {
    for (const partition of partitions) {
      const owned = this.owned.get(partition);
      if (!owned) continue;
      await owned.inFlight.catch(() => undefined);
      this.owned.delete(partition);
      this.options.released?.(partition, owned);
    }
  }

  /** Runs a batch of an owned partition as its batch in flight; a fence is reported, then rethrown. */
  async run(owned: T, work: () => Promise<void>): Promise<void> {
    const running = work();
    owned.inFlight = running;
    try {
      await running;
    } catch (error) {
      if (error instanceof FencedError) this.options.onFenced(error);
      throw error;
    }
  }

  /** Waits for every batch in flight (on shutdown, before leaving the group or snapshotting). */
  async drain(): Promise<void> {
    await Promise.all([...this.owned.values()].map((owned) => owned.inFlight.catch(() => undefined)));
  }
}
