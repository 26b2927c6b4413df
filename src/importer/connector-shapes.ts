// Looks up the connector-specific shapes of the vendored AppFlow model for the importer:
// which member of ConnectorProfileProperties / ConnectorProfileCredentials goes with a
// connectorType, and the members of a structure. Everything here reads the model, so a new
// connector or member in the model shows up without code changes.
import { getShape, loadSmithyModel, memberConstraints, type Shape, type SmithyModel } from '../smithy/model.js';

const NS = 'com.amazonaws.appflow#';

export function appflowModel(): SmithyModel {
  return loadSmithyModel('appflow-connector-profiles.json');
}

/**
 * The member name under connectorProfileProperties/-Credentials for a connector type. The model
 * spells a few differently from the ConnectorType enum (`Googleanalytics` → `GoogleAnalytics`,
 * `Servicenow` → `ServiceNow`, `Infornexus` → `InforNexus`), so match case-insensitively.
 * Undefined for types that have no connector profile (S3, EventBridge, ...).
 */
export function connectorMemberName(connectorType: string): string | undefined {
  const members = Object.keys(getShape(appflowModel(), `${NS}ConnectorProfileProperties`).members ?? {});
  const wanted = connectorType.toLowerCase();
  return members.find((member) => member.toLowerCase() === wanted);
}

/** The ConnectorType enum values, in model order. */
export function connectorTypes(): string[] {
  const shape = getShape(appflowModel(), `${NS}ConnectorType`);
  return Object.values(shape.members ?? {}).map((m) => String(m.traits?.['smithy.api#enumValue']));
}

/** Structure shape id of `<Connector>` under ConnectorProfileProperties or ConnectorProfileCredentials. */
export function connectorShapeId(kind: 'properties' | 'credentials', member: string): string | undefined {
  const parent = getShape(appflowModel(), `${NS}${kind === 'properties' ? 'ConnectorProfileProperties' : 'ConnectorProfileCredentials'}`);
  return parent.members?.[member]?.target;
}

export interface MemberInfo {
  name: string;
  target: string;
  shape: Shape;
  required: boolean;
  enumValues?: string[];
}

/** Members of a structure shape, with the facts the importer needs. */
export function structureMembers(shapeId: string): MemberInfo[] {
  const model = appflowModel();
  const shape = getShape(model, shapeId);
  return Object.entries(shape.members ?? {}).map(([name, ref]) => {
    const constraints = memberConstraints(model, ref);
    const info: MemberInfo = { name, target: ref.target, shape: getShape(model, ref.target), required: constraints.required === true };
    if (constraints.enumValues) info.enumValues = constraints.enumValues;
    return info;
  });
}

export function shapeById(shapeId: string): Shape {
  return getShape(appflowModel(), shapeId);
}
