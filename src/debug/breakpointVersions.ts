// A breakpoint is checked against every version's transitions, but a session
// debugs replicas of one or a few versions: a breakpoint on a transition none
// of them has (RDB_CH_* on a Redis 7.2 replica) can never stop here. It stays
// armed (a replica under emulate auto may follow another master later) and is
// shown unverified, with the versions that do have the transition.
import { ruleApplies, type TransitionRule } from '../engine/states';
import type { VersionProfile } from '../versions/profile';
import { PROFILES } from '../versions/profiles';
import { listing } from './names';

/**
 * The versions a session's replicas emulate: null while none is known yet
 * (emulate auto before the master was asked, or no replica started).
 */
export type SessionVersions = readonly VersionProfile[] | null;

/** The versions (profile ids) with one of `rules`, oldest first. */
export function versionsWith(rules: readonly TransitionRule[]): string[] {
  return PROFILES.filter((p) => rules.some((r) => ruleApplies(r, p))).map((p) => p.id);
}

/**
 * Whether a breakpoint matching `rules` can stop on a replica of `versions`,
 * and if not, why (naming the versions that have such a transition). `what`
 * is the breakpoint as the message names it.
 */
export function checkVersions(what: string, rules: readonly TransitionRule[], versions: SessionVersions): { verified: true } | { verified: false; message: string } {
  if (versions === null || versions.length === 0) return { verified: true };
  if (versions.some((p) => rules.some((r) => ruleApplies(r, p)))) return { verified: true };
  const ids = [...new Set(versions.map((p) => p.id))];
  return {
    verified: false,
    message: `${what} is a transition of ${listing(versionsWith(rules))} only: no replica of this session emulates one ` +
      `(${ids.length === 1 ? `it emulates ${ids[0]}` : `they emulate ${listing(ids, 'and')}`}); it stays set and stops on a replica that does`,
  };
}
