// What every command that takes --state needs to know about the backend behind it.
import { parseStateLocation, StateLocationError, type StateLocation } from '../state/state-location.js';
import { UserError } from './user-error.js';

/** Parses --state; a bad value is one line (UserError). */
export function stateLocation(value: string): StateLocation {
  try {
    return parseStateLocation(value);
  } catch (err) {
    if (err instanceof StateLocationError) throw new UserError(err.message);
    throw err;
  }
}

/**
 * Plaintext credentials would put a value into the shared state's fingerprints (which are not
 * keyed by a secret): the shared state accepts secret references only.
 */
export function refusePlaintextOnSharedState(location: StateLocation, allowPlaintext: boolean | undefined): void {
  if (location.kind === 'dynamodb' && allowPlaintext) {
    throw new UserError(
      '--allow-plaintext-credentials cannot be used with --state dynamodb://: the shared state holds nothing derived from a credential value; use secret references',
    );
  }
}
