// AppFlowPort over the AWS SDK. Reads are batched: DescribeConnectorProfiles takes up to 100
// names per call, so 250 profiles cost 3 calls, never one call per profile. Writes are a single
// SDK send each; retrying them (with the same clientToken) is the executor's job.
import {
  CreateConnectorProfileCommand,
  DeleteConnectorProfileCommand,
  DescribeConnectorProfilesCommand,
  UpdateConnectorProfileCommand,
  type AppflowClient,
  type ConnectorProfile,
  type ConnectorType,
  type CreateConnectorProfileRequest,
  type UpdateConnectorProfileRequest,
} from '@aws-sdk/client-appflow';
import pLimit from 'p-limit';
import type { ObservedProfile } from '../model/types.js';
import type { AppFlowPort } from './ports.js';

/** The API's limit for both `connectorProfileNames` and `maxResults`. */
export const DESCRIBE_BATCH_SIZE = 100;

/**
 * Describe batches in flight at once. One after another, a 1,000-profile pass waited on ten round
 * trips in a row; four at a time is the Secrets Manager reads' bound too, and still a gentle read
 * rate for the account's API quota, which the writes that follow also need.
 */
export const DESCRIBE_CONCURRENCY = 4;

/** Pages with no progress beyond this are a server bug; stop rather than loop forever. */
const MAX_PAGES = 10_000;

/**
 * What a pass keeps of one Describe answer: what the planner, policies, import and the saved plan's
 * digest read. The profile's ARN, its credentials' ARN and its creation time are left out: nothing
 * reads them, and at 10,000 profiles they were about 3 MB alive at the peak of a pass (two strings
 * and a Date each). `lastUpdatedAt` stays (the SDK's Date, not a copy): it is in the saved plan's
 * digest of what was observed, and the only field that moves when someone changes a profile's
 * credentials out of band.
 */
export function toObservedProfile(detail: ConnectorProfile): ObservedProfile | undefined {
  if (Object.isFrozen(detail)) {
    const known = observedOfFrozen.get(detail);
    if (known !== undefined) return known;
    const observed = observedFrom(detail);
    if (observed) observedOfFrozen.set(detail, Object.freeze(observed));
    return observed;
  }
  return observedFrom(detail);
}

/**
 * A remembered answer's profiles (src/aws/remembered-reads.ts: the same frozen detail objects
 * while the account answers with the same bytes) give the same observed profiles, so the
 * planner's memos keyed on them hold across passes.
 */
const observedOfFrozen = new WeakMap<ConnectorProfile, ObservedProfile>();

function observedFrom(detail: ConnectorProfile): ObservedProfile | undefined {
  if (!detail.connectorProfileName) return undefined;
  const observed: ObservedProfile = {
    name: detail.connectorProfileName,
    connectorType: detail.connectorType ?? '',
    connectionMode: detail.connectionMode ?? '',
    properties: (detail.connectorProfileProperties ?? {}) as Record<string, unknown>,
  };
  if (detail.connectorLabel !== undefined) observed.connectorLabel = detail.connectorLabel;
  if (detail.lastUpdatedAt !== undefined) observed.lastUpdatedAt = detail.lastUpdatedAt;
  return observed;
}

function chunk<T>(items: T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

export interface AppFlowAdapterClients {
  /** Client for Describe (its maxAttempts is the read budget). */
  read: AppflowClient;
  /** Client for Create/Update/Delete (its maxAttempts is the SDK part of the write budget). */
  write: AppflowClient;
}

export function createAppFlowAdapter(clients: AppFlowAdapterClients): AppFlowPort {
  async function describePages(input: {
    connectorProfileNames?: string[];
    connectorType?: ConnectorType;
    connectorLabel?: string;
  }): Promise<ObservedProfile[]> {
    const profiles: ObservedProfile[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const output = await clients.read.send(
        new DescribeConnectorProfilesCommand({ ...input, maxResults: DESCRIBE_BATCH_SIZE, nextToken }),
      );
      for (const detail of output.connectorProfileDetails ?? []) {
        const observed = toObservedProfile(detail);
        if (observed) profiles.push(observed);
      }
      if (!output.nextToken || output.nextToken === nextToken) return profiles;
      nextToken = output.nextToken;
    }
    return profiles;
  }

  return {
    async describeByNames(names) {
      const unique = [...new Set(names)];
      const limit = pLimit(DESCRIBE_CONCURRENCY);
      const pages = await Promise.all(chunk(unique, DESCRIBE_BATCH_SIZE).map((batch) => limit(() => describePages({ connectorProfileNames: batch }))));
      const results = pages.flat();
      // The API may return profiles in any order; give callers a stable one. Every name answered
      // in the order asked (the usual answer) is that order already: no index, no sort.
      if (results.length === unique.length && results.every((profile, index) => profile.name === unique[index])) return results;
      const order = new Map(unique.map((name, index) => [name, index]));
      return results.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
    },

    async describeAll(filter) {
      const input: { connectorType?: ConnectorType; connectorLabel?: string } = {};
      if (filter?.connectorType) input.connectorType = filter.connectorType as ConnectorType;
      if (filter?.connectorLabel) input.connectorLabel = filter.connectorLabel;
      return describePages(input);
    },

    async create(request: CreateConnectorProfileRequest) {
      const output = await clients.write.send(new CreateConnectorProfileCommand(request));
      return { connectorProfileArn: output.connectorProfileArn };
    },

    async update(request: UpdateConnectorProfileRequest) {
      const output = await clients.write.send(new UpdateConnectorProfileCommand(request));
      return { connectorProfileArn: output.connectorProfileArn };
    },

    async delete(name, forceDelete) {
      await clients.write.send(new DeleteConnectorProfileCommand({ connectorProfileName: name, forceDelete }));
    },
  };
}
