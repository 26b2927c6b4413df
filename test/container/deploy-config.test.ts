// Guards the promises the Dockerfile, the Kubernetes manifests, the compose file and the IAM
// policies make (non-root, read-only, probes on /healthz and /readyz, least privilege), so an
// edit that quietly weakens one of them fails here, without a container runtime.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(repo + path, 'utf8');

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}
const actions = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);
const resources = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const policy = (file: string) => (JSON.parse(read(`deploy/iam/${file}`)) as { Statement: Statement[] }).Statement;
const grantsFor = (statements: Statement[], action: string) => statements.filter((s) => actions(s).includes(action));
function first<T>(items: T[], what: string): T {
  const item = items[0];
  if (item === undefined) throw new Error(`expected at least one ${what}`);
  return item;
}

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => /^[A-Z]+\s/.test(line));
  const last = (keyword: string) => instructions.filter((l) => l.startsWith(`${keyword} `)).at(-1) ?? '';

  it('takes the base image from a build argument defaulting to an official Node LTS slim image', () => {
    const arg = /^ARG NODE_IMAGE=(\S+)$/m.exec(dockerfile);
    expect(arg?.[1]).toMatch(/^node:(20|22|24)-[a-z]+-slim$/);
    const froms = instructions.filter((l) => l.startsWith('FROM '));
    expect(froms).toHaveLength(2);
    for (const from of froms) expect(from).toMatch(/^FROM \$\{NODE_IMAGE\} AS (build|runtime)$/);
  });

  it('installs only production dependencies in the runtime stage', () => {
    const runtime = dockerfile.slice(dockerfile.indexOf('AS runtime'));
    expect(runtime).toMatch(/npm ci --omit=dev --ignore-scripts/);
    expect(runtime).not.toMatch(/npm (run )?build/);
    expect(runtime).toMatch(/COPY --from=build \/src\/dist \.\/dist/);
  });

  it('runs as a numeric non-root user with the documented entrypoint, command, port and healthcheck', () => {
    expect(last('USER')).toBe('USER 10001:10001');
    expect(last('ENTRYPOINT')).toBe('ENTRYPOINT ["appflow-gitops"]');
    expect(last('CMD')).toMatch(/^CMD \["run", "--profiles", "\/config\/profiles", "--state", "\/var\/lib\/appflow-gitops"/);
    expect(last('EXPOSE')).toBe('EXPOSE 8080');
    expect(last('HEALTHCHECK')).toMatch(/127\.0\.0\.1:8080\/healthz/);
    expect(last('VOLUME')).toContain('/var/lib/appflow-gitops');
  });

  it('gives the build stage every local module the bundle script imports (Dockerfile COPY and .dockerignore)', () => {
    // npm run build runs scripts/bundle.mjs in the image; a module it imports that the build stage
    // lacks fails the image build only (the test suite runs from the repository, where it exists).
    const scripts = new Set<string>();
    const visit = (file: string) => {
      if (scripts.has(file)) return;
      scripts.add(file);
      for (const [, path] of read(file).matchAll(/^import [^;]*?from '\.\/([^']+)';$/gm)) visit(`scripts/${path}`);
    };
    visit('scripts/bundle.mjs');
    expect(scripts.size).toBeGreaterThan(1);
    const build = instructions.slice(0, instructions.findIndex((l) => / AS runtime$/.test(l)));
    const copied = build.filter((l) => l.startsWith('COPY ')).flatMap((l) => l.split(/\s+/).slice(1, -1));
    const allowed = read('.dockerignore').split('\n').filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    for (const script of scripts) {
      expect(copied, `Dockerfile's build stage copies ${script}`).toContain(script);
      expect(allowed, `.dockerignore lets ${script} into the build context`).toContain(script);
    }
  });

  it('keeps local state, dependencies and VCS data out of the build context', () => {
    const ignore = read('.dockerignore').split('\n');
    expect(ignore[ignore.findIndex((l) => !l.startsWith('#') && l.trim() !== '')]).toBe('**');
    expect(ignore).toEqual(expect.arrayContaining(['**/node_modules', '**/.appflow-gitops']));
    expect(ignore).not.toContain('!.git');
  });
});

describe('Kubernetes manifests', () => {
  const dir = 'deploy/kubernetes/';
  const docs = readdirSync(repo + dir)
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(read(dir + f)).map((d) => d.toJS() as Record<string, any>));
  const byKind = (kind: string) => docs.filter((d) => d.kind === kind);
  const deployment = first(byKind('Deployment'), 'Deployment');
  const pod = deployment.spec.template.spec;
  const daemon = pod.containers.find((c: { name: string }) => c.name === 'appflow-gitops');
  const gitSync = pod.containers.find((c: { name: string }) => c.name === 'git-sync');

  it('lists every manifest except the optional Prometheus Operator ones in the kustomization', () => {
    const kustomization = parseYaml(read(dir + 'kustomization.yaml'));
    const files = readdirSync(repo + dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml');
    const optional = ['servicemonitor.yaml', 'prometheusrule.yaml'];
    expect([...kustomization.resources].sort()).toEqual(files.filter((f) => !optional.includes(f)).sort());
  });

  it('alerts on the profiles-directory gauge the daemon exports', () => {
    const rule = first(byKind('PrometheusRule'), 'PrometheusRule');
    const alerts = rule.spec.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules);
    expect(alerts.find((r: { alert: string }) => r.alert === 'AppflowGitopsProfilesDirectoryNotOk').expr).toBe('appflow_gitops_profiles_directory_ok == 0');
  });

  it('runs one replica with Recreate, so two daemons never write at once', () => {
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.strategy.type).toBe('Recreate');
  });

  it('probes /healthz for liveness and /readyz for readiness', () => {
    expect(daemon.livenessProbe.httpGet.path).toBe('/healthz');
    expect(daemon.readinessProbe.httpGet.path).toBe('/readyz');
    expect(daemon.resources.requests).toBeDefined();
    expect(daemon.resources.limits.memory).toBeDefined();
  });

  it('applies a restrictive securityContext to every container', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: 'RuntimeDefault' } });
    for (const container of [...pod.containers, ...pod.initContainers]) {
      expect(container.securityContext, container.name).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        capabilities: { drop: ['ALL'] },
      });
    }
  });

  it('runs git-sync beside the daemon, notifying it through POST /reconcile, on a shared checkout', () => {
    // The mutating endpoints need the bearer token, which git-sync's webhook cannot send: the
    // daemon's own watcher picks up the link flip.
    expect(gitSync.args.some((a: string) => a.startsWith('--webhook-url'))).toBe(false);
    expect(daemon.args).toContain('--http-token-file=/var/run/appflow-gitops/http-token/token');
    const tokenVolume = pod.volumes.find((v: { name: string }) => v.name === 'http-token');
    expect(tokenVolume.secret.secretName).toBe('appflow-gitops-http-token');
    expect(daemon.volumeMounts).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'http-token', readOnly: true })]));
    expect(daemon.args.some((a: string) => a.startsWith('--profiles=/git/current/'))).toBe(true);
    const mount = (c: { volumeMounts: { name: string; readOnly?: boolean }[] }) => c.volumeMounts.find((m) => m.name === 'checkout');
    expect(mount(daemon)?.readOnly).toBe(true);
    expect(mount(gitSync)).toBeDefined();
    expect(daemon.volumeMounts.find((m: { mountPath: string }) => m.mountPath === '/var/lib/appflow-gitops')?.name).toBe('state');
  });

  it('binds the pod to an IRSA-annotated ServiceAccount and advertises its metrics', () => {
    const account = first(byKind('ServiceAccount'), 'ServiceAccount');
    expect(pod.serviceAccountName).toBe(account.metadata.name);
    expect(account.metadata.annotations['eks.amazonaws.com/role-arn']).toMatch(/^arn:aws:iam::\d{12}:role\//);
    expect(deployment.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/path': '/metrics' });
    expect(first(byKind('ServiceMonitor'), 'ServiceMonitor').spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics' });
  });

  it('admits ingress to the HTTP port only from named Prometheus pods, and the daemon listens on that port explicitly', () => {
    const policy = first(byKind('NetworkPolicy'), 'NetworkPolicy');
    expect(policy.spec.podSelector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(policy.spec.policyTypes).toEqual(['Ingress']);
    expect(policy.spec.ingress).toHaveLength(1);
    const [rule] = policy.spec.ingress;
    expect(rule.ports).toEqual([{ port: 8080, protocol: 'TCP' }]);
    // Every peer names both a namespace and pods: no open `from`, no whole namespace, no ipBlock.
    expect(rule.from.length).toBeGreaterThan(0);
    for (const peer of rule.from) {
      expect(Object.keys(peer).sort()).toEqual(['namespaceSelector', 'podSelector']);
      expect(Object.keys(peer.podSelector.matchLabels ?? {}).length).toBeGreaterThan(0);
    }
    // `run` listens on loopback by default; the pod must ask for every interface (probes use the pod IP).
    expect(daemon.args).toContain('--listen=:8080');
  });
});

describe('docker-compose example', () => {
  const compose = parseYaml(read('deploy/compose/docker-compose.yaml'));

  it('shares the git-sync checkout read-only with the daemon and keeps state in a volume', () => {
    expect(compose.services['git-sync'].volumes).toContain('checkout:/git');
    const daemon = compose.services['appflow-gitops'];
    expect(daemon.volumes).toEqual(expect.arrayContaining(['checkout:/git:ro', 'state:/var/lib/appflow-gitops']));
    expect(daemon.read_only).toBe(true);
    expect(daemon.cap_drop).toEqual(['ALL']);
    expect(compose.volumes).toHaveProperty('state');
  });
});

describe('IAM policies', () => {
  const daemon = policy('daemon-policy.json');
  const plan = policy('plan-policy.json');

  it('grants the daemon exactly the AppFlow profile actions it calls, and no wildcard actions', () => {
    const appflowActions = daemon.flatMap(actions).filter((a) => a.startsWith('appflow:')).sort();
    expect(appflowActions).toEqual([
      'appflow:CreateConnectorProfile',
      'appflow:DeleteConnectorProfile',
      'appflow:DescribeConnector',
      'appflow:DescribeConnectorProfiles',
      'appflow:UpdateConnectorProfile',
    ]);
    for (const s of [...daemon, ...plan]) for (const a of actions(s)) expect(a, s.Sid).not.toContain('*');
    for (const a of ['appflow:UpdateConnectorProfile', 'appflow:DeleteConnectorProfile']) {
      expect(grantsFor(daemon, a).flatMap(resources)).toEqual([expect.stringMatching(/:connectorprofile\/\*$/)]);
    }
  });

  it('gives the pull-request plan role DescribeConnectorProfiles only: it plans with --skip-credentials', () => {
    expect(plan.flatMap(actions)).toEqual(['appflow:DescribeConnectorProfiles']);
  });

  it('scopes GetSecretValue to the referenced secrets; BatchGetSecretValue is "*" as AWS documents', () => {
    for (const statements of [daemon]) {
      expect(grantsFor(statements, 'secretsmanager:GetSecretValue').flatMap(resources)).toEqual([
        expect.stringMatching(/:secret:appflow-gitops\/\*$/),
      ]);
      expect(grantsFor(statements, 'secretsmanager:BatchGetSecretValue').flatMap(resources)).toEqual(['*']);
      expect(statements.flatMap(actions)).not.toContain('secretsmanager:ListSecrets');
    }
  });

  it('lets AppFlow store credentials only through AppFlow, only in appflow! secrets', () => {
    for (const action of ['secretsmanager:CreateSecret', 'secretsmanager:PutResourcePolicy']) {
      const grants = grantsFor(daemon, action);
      expect(grants).toHaveLength(1);
      const grant = first(grants, action);
      expect(grant.Condition?.['ForAnyValue:StringEquals']?.['aws:CalledVia']).toEqual(['appflow.amazonaws.com']);
      expect(resources(grant)).toEqual([expect.stringMatching(/:secret:appflow!\*$/)]);
    }
    expect(first(grantsFor(daemon, 'secretsmanager:CreateSecret'), 'CreateSecret').Condition?.StringLike?.['secretsmanager:Name']).toBe('appflow!*');
  });

  it('limits KMS grants to AppFlow acting for an AWS resource, on named keys', () => {
    const createGrant = first(grantsFor(daemon, 'kms:CreateGrant'), 'kms:CreateGrant');
    expect(createGrant.Condition).toEqual({
      StringLike: { 'kms:ViaService': 'appflow.*.amazonaws.com' },
      Bool: { 'kms:GrantIsForAWSResource': 'true' },
    });
    for (const s of daemon.filter((s) => actions(s).some((a) => a.startsWith('kms:')))) {
      expect(resources(s), s.Sid).toEqual([expect.stringMatching(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\//)]);
    }
  });

  it('gives the CI plan role nothing that writes', () => {
    const writes = plan.flatMap(actions).filter((a) => /:(Create|Update|Delete|Put)/.test(a));
    expect(writes).toEqual([]);
  });
});
