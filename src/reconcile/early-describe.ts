// The inventory's profiles described while the profile files are still being loaded. A pass
// describes the desired names and the inventory's names; the inventory's are known as soon as the
// state is read, and on a daemon's warm pass they are nearly always all of them. Sending their
// Describe batches before loading lets the emulator or AppFlow answer while this process stats
// and reads the files (about 15 ms of a 1,000-profile warm pass), instead of only after; the
// desired names the inventory does not hold yet are described once the load has named them.
import type { AppFlowPort } from '../aws/ports.js';
import type { ObservedProfile, TargetState } from '../model/types.js';

/** Describe batches already on their way, for these names. */
export interface EarlyObservation {
  names: ReadonlySet<string>;
  profiles: Promise<ObservedProfile[]>;
}

/** Starts describing the inventory's names; undefined when the inventory is empty. */
export function describeInventoryEarly(appflow: Pick<AppFlowPort, 'describeByNames'>, state: TargetState): EarlyObservation | undefined {
  const names = Object.keys(state.profiles).sort();
  if (names.length === 0) return undefined;
  const profiles = appflow.describeByNames(names);
  // Awaited by observeProfiles; a pass that stops before it (a load that throws) must not leave
  // an unhandled rejection behind. The error itself still reaches observeProfiles' caller.
  profiles.catch(() => undefined);
  return { names: new Set(names), profiles };
}

/** The profiles of `names` (sorted, unique): the early batches' answer plus one for the names they did not cover. */
export async function observeProfiles(
  appflow: Pick<AppFlowPort, 'describeByNames'>,
  names: string[],
  early: EarlyObservation | undefined,
): Promise<ObservedProfile[]> {
  if (!early) return names.length > 0 ? appflow.describeByNames(names) : [];
  const rest = names.filter((name) => !early.names.has(name));
  const [described, more] = await Promise.all([early.profiles, rest.length > 0 ? appflow.describeByNames(rest) : Promise.resolve([])]);
  return more.length > 0 ? [...described, ...more] : described;
}
