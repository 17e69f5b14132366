// Per-build data captured from the live servers (command tables, key specs) is
// stored as each build's changes from the build it grew from; this applies a
// build's chain of changes, once per build.

export interface BuildDelta<T> {
  build: string;
  from: string | null;
  removed: readonly string[];
  set: Readonly<Record<string, T>>;
}

/** A reader of one kind of per-build data: a build's whole table, built on first use. */
export function deltaTables<T>(deltas: readonly BuildDelta<T>[], what: string): (build: string) => ReadonlyMap<string, T> {
  const built = new Map<string, ReadonlyMap<string, T>>();
  const tableOf = (build: string): ReadonlyMap<string, T> => {
    const hit = built.get(build);
    if (hit) return hit;
    const delta = deltas.find((t) => t.build === build);
    if (!delta) throw new Error(`no ${what} for ${build}`);
    const table = new Map(delta.from === null ? [] : tableOf(delta.from));
    for (const name of delta.removed) table.delete(name);
    for (const [name, value] of Object.entries(delta.set)) table.set(name, value);
    built.set(build, table);
    return table;
  };
  return tableOf;
}
