// The HA variant (deploy/kubernetes-ha, an overlay of deploy/kubernetes): two replicas on the
// shared DynamoDB state, RollingUpdate that never goes below one ready pod, a
// PodDisruptionBudget, no state volume. Checked from the files, without a cluster.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const yaml = <T>(path: string) => parseYaml(readFileSync(repo + path, 'utf8')) as T;

interface Patch {
  spec: {
    replicas: number;
    strategy: { type: string; rollingUpdate: { maxUnavailable: number; maxSurge: number } };
    template: { spec: { containers: { name: string; args: string[]; volumeMounts?: { name: string; $patch?: string }[] }[]; volumes: { name: string; $patch?: string }[] } };
  };
}
interface Base {
  spec: { template: { metadata: { labels: Record<string, string> }; spec: { containers: { name: string; readinessProbe?: { httpGet: { path: string } } }[] } } };
}

describe('Kubernetes HA variant', () => {
  const kustomization = yaml<{ resources: string[]; patches: { path?: string; target?: { kind: string } }[] }>('deploy/kubernetes-ha/kustomization.yaml');
  const patch = yaml<Patch>('deploy/kubernetes-ha/deployment-ha.yaml');
  const base = yaml<Base>('deploy/kubernetes/deployment.yaml');
  const pdb = yaml<{ kind: string; spec: { minAvailable: number; selector: { matchLabels: Record<string, string> } } }>('deploy/kubernetes-ha/poddisruptionbudget.yaml');

  it('is an overlay of the single-replica manifests with a PodDisruptionBudget, and drops the state volume claim', () => {
    expect(kustomization.resources).toEqual(['../kubernetes', 'poddisruptionbudget.yaml']);
    expect(kustomization.patches.map((p) => p.path ?? p.target?.kind)).toEqual(['deployment-ha.yaml', 'PersistentVolumeClaim']);
  });

  it('runs two replicas with a RollingUpdate that never has fewer than one pod', () => {
    expect(patch.spec.replicas).toBe(2);
    expect(patch.spec.strategy.type).toBe('RollingUpdate');
    expect(patch.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
  });

  it('uses the shared DynamoDB state with the documented lease, and no state volume', () => {
    const container = patch.spec.template.spec.containers.find((c) => c.name === 'appflow-gitops')!;
    expect(container.args).toContain('--state=dynamodb://appflow-gitops-state');
    expect(container.args).toEqual(expect.arrayContaining(['--lease-duration=15s', '--lease-heartbeat=5s', '--listen=:8080']));
    expect(container.volumeMounts).toEqual([{ name: 'state', $patch: 'delete' }]);
    expect(patch.spec.template.spec.volumes).toEqual([{ name: 'state', $patch: 'delete' }]);
  });

  it('keeps one replica through disruptions; the budget selects the daemon pods', () => {
    expect(pdb.kind).toBe('PodDisruptionBudget');
    expect(pdb.spec.minAvailable).toBe(1);
    const labels = base.spec.template.metadata.labels;
    for (const [key, value] of Object.entries(pdb.spec.selector.matchLabels)) expect(labels[key]).toBe(value);
  });

  it('inherits the readiness probe on /readyz, which a healthy standby passes', () => {
    const container = base.spec.template.spec.containers.find((c) => c.name === 'appflow-gitops')!;
    expect(container.readinessProbe?.httpGet.path).toBe('/readyz');
  });
});
