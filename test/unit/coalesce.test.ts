import { describe, expect, it } from 'vitest';
import { createCoalescer } from '../../db/coalesce.js';

/** A write whose calls stay open until the test releases them, recording each group it was given. */
function controlledWrite(fail: (item: number) => boolean = () => false) {
  const groups: number[][] = [];
  const pending: (() => void)[] = [];
  const write = (items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      groups.push(items);
      pending.push(() => (items.some(fail) ? reject(new Error(`bad item in ${items.join(',')}`)) : resolve(items.map((item) => `stored ${item}`))));
    });
  const releaseAll = async () => {
    while (pending.length > 0) {
      pending.shift()?.();
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  return { write, groups, releaseAll };
}

describe('coalescing single writes', () => {
  it('writes an item alone when nothing is in flight, and groups the items that arrive meanwhile', async () => {
    const { write, groups, releaseAll } = controlledWrite();
    const one = createCoalescer(write, { maxInFlight: 1, maxItems: 3 });
    const results = [one(1), one(2), one(3), one(4), one(5), one(6)];
    await releaseAll();
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4, 5, 6].map((item) => `stored ${item}`));
    // 1 went at once; 2–6 queued behind it and left in groups of at most three.
    expect(groups).toEqual([[1], [2, 3, 4], [5, 6]]);
  });

  it('keeps up to maxInFlight writes going side by side', async () => {
    const { write, groups, releaseAll } = controlledWrite();
    const one = createCoalescer(write, { maxInFlight: 2, maxItems: 10 });
    const results = [one(1), one(2), one(3), one(4)];
    expect(groups).toEqual([[1], [2]]);
    await releaseAll();
    await Promise.all(results);
    expect(groups).toEqual([[1], [2], [3, 4]]);
  });

  it('fails only the bad item of a failed group: the others are written again one by one', async () => {
    const { write, groups, releaseAll } = controlledWrite((item) => item === 3);
    const one = createCoalescer(write, { maxInFlight: 1, maxItems: 10 });
    const results = [1, 2, 3, 4].map((item) => one(item).then((result) => ({ ok: result }), (error: Error) => ({ error: error.message })));
    await releaseAll();
    expect(await Promise.all(results)).toEqual([{ ok: 'stored 1' }, { ok: 'stored 2' }, { error: 'bad item in 3' }, { ok: 'stored 4' }]);
    expect(groups).toEqual([[1], [2, 3, 4], [2], [3], [4]]);
  });
});
