// AppFlow cannot check a fencing token, so the next best thing: every mutating call re-reads the
// lease (strongly consistent) immediately before it goes out, and is not made unless this
// replica still holds the lease with its fence and the lease cannot have lapsed. Reads pass
// through untouched (a leader's own Describe needs no extra round trip).
import type { AppFlowPort } from '../aws/ports.js';

export function fencedAppFlow(port: AppFlowPort, lease: { confirm(): Promise<void> }): AppFlowPort {
  return {
    describeByNames: (names) => port.describeByNames(names),
    describeAll: (filter) => port.describeAll(filter),
    create: async (request) => {
      await lease.confirm();
      return port.create(request);
    },
    update: async (request) => {
      await lease.confirm();
      return port.update(request);
    },
    delete: async (name, forceDelete) => {
      await lease.confirm();
      return port.delete(name, forceDelete);
    },
  };
}
