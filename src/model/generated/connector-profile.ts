// PLACEHOLDER until `npm run gen:types` generates this file from schema/connector-profile.schema.json.
// The generated file must keep exporting `ConnectorProfileDocument` with this shape.
import type { CreateConnectorProfileRequest } from '@aws-sdk/client-appflow';

export type ConnectorProfileDocument = Omit<CreateConnectorProfileRequest, 'clientToken'>;
