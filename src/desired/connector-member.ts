// The connectorType enum and the member names of connectorProfileProperties/Credentials are
// spelled differently for three connectors (Googleanalytics/GoogleAnalytics,
// Servicenow/ServiceNow, Infornexus/InforNexus). The mapping is derived from the model by a
// case-insensitive match, so a new connector in a future model needs no code change here.
import { enumValues, getShape, loadSmithyModel } from '../smithy/model.js';

const NS = 'com.amazonaws.appflow#';

let table: Map<string, string> | undefined;

function memberTable(): Map<string, string> {
  if (table) return table;
  const model = loadSmithyModel('appflow-connector-profiles.json');
  const members = Object.keys(getShape(model, `${NS}ConnectorProfileProperties`).members ?? {});
  const byLowerName = new Map(members.map((m) => [m.toLowerCase(), m]));
  table = new Map();
  for (const type of enumValues(getShape(model, `${NS}ConnectorType`))) {
    const member = byLowerName.get(type.toLowerCase());
    if (member) table.set(type, member);
  }
  return table;
}

/** The member of connectorProfileProperties/Credentials for a connectorType, or undefined when the model has none. */
export function connectorMemberFor(connectorType: string): string | undefined {
  return memberTable().get(connectorType);
}

/** Every connectorType value in the model, in model order. */
export function allConnectorTypes(): string[] {
  return enumValues(getShape(loadSmithyModel('appflow-connector-profiles.json'), `${NS}ConnectorType`));
}

/** Connector types that can have a profile (the model has a properties member for them), in model order. */
export function profileConnectorTypes(): string[] {
  return [...memberTable().keys()];
}

/** Connector types without a properties member (S3, EventBridge, ...): AppFlow uses them without a profile. */
export function connectorTypesWithoutProfile(): string[] {
  return allConnectorTypes().filter((type) => !memberTable().has(type));
}
