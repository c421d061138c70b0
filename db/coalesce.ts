/**
 * Groups single items that arrive while earlier ones are being written, so a burst of one-event
 * requests becomes a few set-based transactions instead of one transaction each (a tracker sends
 * page views one by one), and the e-mails leaving together are checked and claimed in a few
 * statements instead of one each. Nothing waits on a timer: an item arriving at a quiet moment is written at
 * once, alone; under load, items queue behind the writes in flight and go in together.
 *
 * A group that fails is written again item by item, so one bad item fails only its own request.
 */
export function createCoalescer<Item, Result>(
  write: (items: Item[]) => Promise<Result[]>,
  options: { maxInFlight: number; maxItems: number },
): (item: Item) => Promise<Result> {
  const queue: { item: Item; resolve: (result: Result) => void; reject: (error: unknown) => void }[] = [];
  let inFlight = 0;

  const settle = async (group: typeof queue): Promise<void> => {
    try {
      const results = await write(group.map((entry) => entry.item));
      group.forEach((entry, index) => entry.resolve(results[index] as Result));
    } catch (error) {
      if (group.length === 1) {
        group[0]?.reject(error);
        return;
      }
      await Promise.all(group.map((entry) => settle([entry])));
    }
  };

  const flush = (): void => {
    while (inFlight < options.maxInFlight && queue.length > 0) {
      const group = queue.splice(0, options.maxItems);
      inFlight += 1;
      void settle(group).finally(() => {
        inFlight -= 1;
        flush();
      });
    }
  };

  return (item) =>
    new Promise<Result>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      flush();
    });
}
