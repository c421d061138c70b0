import fc from 'fast-check';
import type { Liquid, Template } from 'liquidjs';

/**
 * Generated data for a template: every global variable path it reads (`contact.firstName`,
 * `items`) gets, or lacks, a value of any Liquid-relevant kind (strings with markup and padding,
 * integers, decimals, booleans, null, arrays, objects), and objects inside carry the member names
 * the template reads (`item.price`) plus the ones Liquid treats specially (size, first, last).
 */
export function templateData(liquid: Liquid, parts: readonly Template[][]): fc.Arbitrary<Record<string, unknown>> {
  const paths = new Map<string, (string | number)[]>();
  const members = new Set<string>(['size', 'first', 'last']);
  for (const part of parts) {
    const analysis = liquid.analyzeSync(part);
    for (const variables of Object.values(analysis.globals)) {
      for (const variable of variables) {
        const path: (string | number)[] = [];
        for (const segment of variable.segments) {
          if (typeof segment !== 'string' && typeof segment !== 'number') break;
          path.push(segment);
        }
        if (path.length > 0) paths.set(path.join('.'), path);
      }
    }
    for (const variables of Object.values(analysis.variables)) {
      for (const variable of variables) {
        for (const segment of variable.segments.slice(1)) if (typeof segment === 'string') members.add(segment);
      }
    }
  }
  const value = valueArbitrary([...members]);
  const entries = [...paths.values()].map((path) =>
    fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: value(2), weight: 4 }).map((generated) => [path, generated] as const),
  );
  return fc.tuple(...entries).map((assignments) => {
    const data: Record<string, unknown> = {};
    for (const [path, generated] of assignments) if (generated !== undefined) setPath(data, path, generated);
    return data;
  });
}

/** Values of every kind Liquid distinguishes, nested up to `depth` levels, objects keyed by `members`. */
export function valueArbitrary(members: readonly string[]): (depth: number) => fc.Arbitrary<unknown> {
  const text = fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constantFrom('Ada', '<b>Tom & "Jerry"</b>', "l'été", '  padded  ', 'é∂ 😀 ✓', '', '0', '12.50', '-3', '2026-05-31T10:00:00Z', '2026-01-15', 'true', 'nil', 'a, b, c', 'Hello\nworld'),
  );
  const number = fc.oneof(
    fc.integer({ min: -1000, max: 100_000 }),
    fc.double({ min: -1e6, max: 1e6 }),
    fc.constantFrom(0, 1, -1, 1490, 0.1, 2.5, 14.9, 1e21, 1_700_000_000),
  );
  const leaf = fc.oneof({ arbitrary: text, weight: 4 }, { arbitrary: number, weight: 3 }, fc.boolean(), fc.constant(null));
  const memo = new Map<number, fc.Arbitrary<unknown>>();
  const at = (depth: number): fc.Arbitrary<unknown> => {
    const known = memo.get(depth);
    if (known !== undefined) return known;
    const inner = depth <= 0 ? leaf : at(depth - 1);
    const object = fc
      .uniqueArray(fc.tuple(fc.constantFrom(...members), inner), { selector: ([key]) => key, maxLength: Math.min(10, members.length) })
      .map((pairs) => Object.fromEntries(pairs));
    const arbitrary =
      depth <= 0
        ? leaf
        : fc.oneof({ arbitrary: leaf, weight: 3 }, { arbitrary: fc.array(inner, { maxLength: 5 }), weight: 1 }, { arbitrary: fc.array(object, { maxLength: 5 }), weight: 2 }, { arbitrary: object, weight: 2 });
    memo.set(depth, arbitrary);
    return arbitrary;
  };
  return at;
}

function setPath(data: Record<string, unknown>, path: readonly (string | number)[], value: unknown): void {
  let target: Record<string | number, unknown> = data;
  for (const key of path.slice(0, -1)) {
    const next = target[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) target[key] = {};
    target = target[key] as Record<string | number, unknown>;
  }
  target[path[path.length - 1] as string | number] = value;
}
