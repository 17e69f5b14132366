// variablesReference ids for (thread, scope, path into the scope). An id is
// made once per place and kept: the same place always has the same id, so an
// expanded struct stays expanded across stops, and the ids are bounded by the
// places a model has (threads × scopes × structs), not by how often they are
// read. Values are never cached here: each variables request reads the live
// model.
import type { ScopeId } from './variables';

export interface VariablesPlace {
  threadId: number;
  scope: ScopeId;
  /** Names from the scope down to the struct (empty = the scope itself). */
  path: readonly string[];
}

export class VariableHandles {
  private readonly ids = new Map<string, number>();
  private readonly places: VariablesPlace[] = [];

  get(threadId: number, scope: ScopeId, path: readonly string[]): number {
    const key = JSON.stringify([threadId, scope, ...path]);
    let id = this.ids.get(key);
    if (id === undefined) {
      this.places.push({ threadId, scope, path: [...path] });
      id = this.places.length;
      this.ids.set(key, id);
    }
    return id;
  }

  lookup(id: number): VariablesPlace | undefined {
    return this.places[id - 1];
  }
}
