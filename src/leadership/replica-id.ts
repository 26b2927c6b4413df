// A replica's name in lease items and /status: the host (the pod name on Kubernetes), the pid and
// a random suffix, so a restarted process is never mistaken for its predecessor.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

export function replicaId(): string {
  return `${hostname()}/${process.pid}/${randomUUID().slice(0, 8)}`;
}
