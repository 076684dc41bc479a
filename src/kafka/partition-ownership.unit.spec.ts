import { describe, expect, it } from 'vitest';
import { FencedError } from '../errors.js';
import { PartitionOwnership, type Owned } from './partition-ownership.js';

interface Claimed extends Owned {
  readonly partition: number;
}

function ownership() {
  const released: number[] = [];
  const fenced: FencedError[] = [];
  const owned = new PartitionOwnership<Claimed>({
    claim: (partition) => Promise.resolve({ partition, inFlight: Promise.resolve() }),
    released: (partition) => released.push(partition),
    onFenced: (error) => fenced.push(error),
  });
  return { owned, released, fenced };
}

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

describe('PartitionOwnership', () => {
  it('given assigned partitions, when one is revoked, then only it is released', async () => {
    const { owned, released } = ownership();
    const claimed = await owned.assign([0, 1, 2]);
    expect([...claimed.keys()]).toEqual([0, 1, 2]);

    await owned.revoke([1, 7]);

    expect(owned.partitions).toEqual([0, 2]);
    expect(released).toEqual([1]);
  });

  it('given a batch in flight, when its partition is revoked, then it is released only after the batch ends', async () => {
    const { owned, released } = ownership();
    await owned.assign([0]);
    const batch = deferred();
    const running = owned.run(owned.get(0)!, () => batch.promise);

    const revoking = owned.revoke([0]);
    await Promise.resolve();
    expect(released).toEqual([]);

    batch.resolve();
    await Promise.all([running, revoking]);
    expect(released).toEqual([0]);
  });

  it('given a fenced batch, when it runs, then the fence is reported once and rethrown', async () => {
    const { owned, fenced } = ownership();
    await owned.assign([3]);
    const error = new FencedError({ topic: 't', partition: 3 }, 1);

    await expect(owned.run(owned.get(3)!, () => Promise.reject(error))).rejects.toBe(error);
    await expect(owned.run(owned.get(3)!, () => Promise.reject(new Error('db down')))).rejects.toThrow(
      'db down',
    );

    expect(fenced).toEqual([error]);
  });

  it('given a failed batch in flight, when drained, then drain waits for it without throwing', async () => {
    const { owned } = ownership();
    await owned.assign([0, 1]);
    const batch = deferred();
    let finished = false;
    const running = owned
      .run(owned.get(1)!, async () => {
        await batch.promise;
        finished = true;
        throw new Error('rolled back');
      })
      .catch(() => undefined);

    const draining = owned.drain();
    batch.resolve();
    await draining;

    expect(finished).toBe(true);
    await running;
  });
});
