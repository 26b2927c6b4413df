// The point of a multi-target pass where every target has planned and none has written yet.
// Targets plan side by side; each arrives here with its plan (or its failure) and waits until the
// last one has arrived, so one check (`verifyPlans`, apply FILE's saved-plan check) sees every
// plan and can refuse them all before the first write of any.
import type { PlannedTarget } from './types.js';

export interface PlanBarrier {
  /** Resolves, once every target has arrived, with the check's refusal (undefined: go ahead). */
  arrive(planned: PlannedTarget): Promise<string | undefined>;
}

/** `names`: the targets of the pass, in the order the check sees them (config order, whatever order they finish planning in). */
export function createPlanBarrier(names: readonly string[], check: (planned: PlannedTarget[]) => Promise<string | undefined>): PlanBarrier {
  const arrived: PlannedTarget[] = [];
  let release!: (verdict: Promise<string | undefined>) => void;
  const verdict = new Promise<string | undefined>((resolve) => {
    release = resolve;
  });
  return {
    arrive(planned) {
      arrived.push(planned);
      // A check that throws refuses the pass: nothing may be written on a check that did not finish.
      if (arrived.length === names.length) {
        const inOrder = [...arrived].sort((a, b) => names.indexOf(a.name) - names.indexOf(b.name));
        release(check(inOrder).catch((err: unknown) => `the plan could not be checked: ${err instanceof Error ? err.message : String(err)}`));
      }
      return verdict;
    },
  };
}
