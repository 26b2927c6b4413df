// Where `--state` points: a directory (a plain path, or file://DIR) for the file backend, or
// dynamodb://TABLE for the shared DynamoDB backend (docs/state.md). Pure: no I/O.

export type StateLocation = { kind: 'file'; dir: string } | { kind: 'dynamodb'; table: string };

/** DynamoDB's table-name rule: 3-255 of letters, digits, '_', '-', '.'. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

export class StateLocationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StateLocationError';
  }
}

export function parseStateLocation(value: string): StateLocation {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(.*)$/.exec(value);
  if (!scheme) return { kind: 'file', dir: value };
  const [, name, rest] = scheme as unknown as [string, string, string];
  switch (name.toLowerCase()) {
    case 'file':
      if (rest === '') throw new StateLocationError('--state file:// names no directory (use file://DIR or a plain path)');
      return { kind: 'file', dir: rest };
    case 'dynamodb':
      if (!TABLE_NAME.test(rest)) {
        throw new StateLocationError(
          `--state ${JSON.stringify(value)}: a DynamoDB table name is 3-255 letters, digits, '_', '-' or '.' (dynamodb://TABLE)`,
        );
      }
      return { kind: 'dynamodb', table: rest };
    default:
      throw new StateLocationError(`--state ${JSON.stringify(value)}: unknown scheme ${name}:// (use a directory, file://DIR or dynamodb://TABLE)`);
  }
}

export function formatStateLocation(location: StateLocation): string {
  return location.kind === 'file' ? location.dir : `dynamodb://${location.table}`;
}
