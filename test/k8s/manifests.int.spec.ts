// The Kubernetes manifests as the cluster would receive them: `kubectl kustomize` renders the base and each
// overlay, every object is validated against its schema (kubernetes-models), and the rules the deployment
// depends on are checked on the rendered output: restricted Pod Security, probes on a declared port, replicas
// bounded by the 6 partitions, no Secret in the repository, selectors that select something, real `twin`
// subcommands. The Dockerfile is checked as text (there is no Docker engine to build it here).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Deployment, type IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob, type ICronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job, type IJob } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy, type INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import {
  PodDisruptionBudget,
  type IPodDisruptionBudget,
} from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ConfigMap, type IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { IContainer } from 'kubernetes-models/v1/Container';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { Service, type IService } from 'kubernetes-models/v1/Service';
import { ScaledObject, type IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import {
  ServiceMonitor,
  type IServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_REPLICAS = 6; // TOPIC_PARTITIONS: a consumer beyond the partition count owns nothing.
const LONG_RUNNING = ['processor', 'projector', 'api', 'notifier'];

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
}

/** Every kind the manifests may render, by apiVersion/kind; anything else fails the schema test. */
const schemas: Record<string, (object: unknown) => void> = {
  'v1/ConfigMap': model(ConfigMap),
  'v1/Service': model(Service),
  'v1/PersistentVolumeClaim': model(PersistentVolumeClaim),
  'apps/v1/Deployment': model(Deployment),
  'batch/v1/Job': model(Job),
  'batch/v1/CronJob': model(CronJob),
  'policy/v1/PodDisruptionBudget': model(PodDisruptionBudget),
  'autoscaling/v2/HorizontalPodAutoscaler': model(HorizontalPodAutoscaler),
  'networking.k8s.io/v1/NetworkPolicy': model(NetworkPolicy),
  'keda.sh/v1alpha1/ScaledObject': model(ScaledObject),
  'monitoring.coreos.com/v1/ServiceMonitor': model(ServiceMonitor),
  'monitoring.coreos.com/v1/PrometheusRule': model(PrometheusRule),
};

function model(type: new (data: never) => { validate(): void }): (object: unknown) => void {
  return (object) => new type(object as never).validate();
}

function render(dir: string): K8sObject[] {
  let output: string;
  try {
    output = execFileSync('kubectl', ['kustomize', join(root, dir)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(
      `kubectl kustomize ${dir} failed (is kubectl installed? scripts/bootstrap.sh): ${stderr}`,
    );
  }
  return parseAllDocuments(output).map((document) => {
    if (document.errors.length > 0) throw new Error(`${dir}: ${document.errors[0]?.message}`);
    return document.toJS() as K8sObject;
  });
}

// A rendering that fails is reported by the first test of its block, not as a file that cannot load.
const renderings = ['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/prod'].map((dir) => {
  try {
    return { dir, objects: render(dir), error: undefined };
  } catch (error) {
    return { dir, objects: [] as K8sObject[], error: error as Error };
  }
});
const rendered = (dir: string): K8sObject[] =>
  renderings.find((rendering) => rendering.dir === dir)?.objects ?? [];

function ofKind<T>(objects: K8sObject[], kind: string): (T & K8sObject)[] {
  return objects.filter((object) => object.kind === kind) as (T & K8sObject)[];
}

interface Workload {
  kind: string;
  name: string;
  template: IPodTemplateSpec;
  spec: IPodSpec;
}

function workloads(objects: K8sObject[]): Workload[] {
  const found: Workload[] = [];
  const add = (object: K8sObject, template: IPodTemplateSpec | undefined) => {
    if (!template?.spec) throw new Error(`${object.kind} ${object.metadata.name} has no pod template`);
    found.push({ kind: object.kind, name: object.metadata.name, template, spec: template.spec });
  };
  for (const deployment of ofKind<IDeployment>(objects, 'Deployment'))
    add(deployment, deployment.spec?.template);
  for (const job of ofKind<IJob>(objects, 'Job')) add(job, job.spec?.template);
  for (const cronJob of ofKind<ICronJob>(objects, 'CronJob'))
    add(cronJob, cronJob.spec?.jobTemplate.spec?.template);
  return found;
}

const allContainers = (spec: IPodSpec): IContainer[] => [...(spec.initContainers ?? []), ...spec.containers];

interface Selector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Kubernetes label-selector semantics (an empty selector selects everything). */
function selects(selector: Selector | undefined, labels: Record<string, string> = {}): boolean {
  if (!selector) return false;
  const byLabels = Object.entries(selector.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const byExpressions = (selector.matchExpressions ?? []).every(({ key, operator, values = [] }) => {
    switch (operator) {
      case 'In':
        return key in labels && values.includes(labels[key] ?? '');
      case 'NotIn':
        return !(key in labels) || !values.includes(labels[key] ?? '');
      case 'Exists':
        return key in labels;
      case 'DoesNotExist':
        return !(key in labels);
      default:
        throw new Error(`unknown selector operator ${operator}`);
    }
  });
  return byLabels && byExpressions;
}

/** The `twin` subcommands, as src/apps/cli.ts declares them. */
function twinSubcommands(): string[] {
  const source = readFileSync(join(root, 'src/apps/cli.ts'), 'utf8');
  return [...source.matchAll(/\.command\('([a-z][a-z-]*)/g)].map((match) => match[1] ?? '');
}

/** The value a container sees for `name`: its env first, then the ConfigMaps of its envFrom, in order. */
function environmentValue(container: IContainer, configMaps: IConfigMap[], name: string): string | undefined {
  const direct = container.env?.find((variable) => variable.name === name);
  if (direct) return direct.value;
  let value: string | undefined;
  for (const source of container.envFrom ?? []) {
    const configMap = configMaps.find((candidate) => candidate.metadata?.name === source.configMapRef?.name);
    value = configMap?.data?.[name] ?? value;
  }
  return value;
}

describe('given the selector matcher the checks below rely on', () => {
  it('when labels meet or miss a selector, then it answers as Kubernetes does', () => {
    expect(selects({ matchLabels: { a: '1' } }, { a: '1', b: '2' })).toBe(true);
    expect(selects({ matchLabels: { a: '1' } }, { a: '2' })).toBe(false);
    expect(selects({ matchExpressions: [{ key: 'c', operator: 'In', values: ['x'] }] }, { c: 'y' })).toBe(
      false,
    );
    expect(selects({}, { any: 'thing' })).toBe(true);
    expect(selects(undefined, {})).toBe(false);
  });
});

describe.each(renderings.map(({ dir }) => dir))(
  'given the manifests of %s rendered by kubectl kustomize',
  (dir) => {
    const objects = rendered(dir);
    const pods = workloads(objects);
    const deployments = ofKind<IDeployment>(objects, 'Deployment');
    const configMaps = ofKind<IConfigMap>(objects, 'ConfigMap');

    it('when each object is validated against the schema of its apiVersion and kind, then all are valid and known', () => {
      expect(objects.length).toBeGreaterThan(0);
      for (const object of objects) {
        const key = `${object.apiVersion}/${object.kind}`;
        const validate = schemas[key];
        if (!validate) throw new Error(`${key} ${object.metadata.name}: a kind this test does not know`);
        expect(() => validate(object), `${key} ${object.metadata.name}`).not.toThrow();
      }
    });

    it('when the kinds are listed, then the whole system is there: four Deployments, the migration Job, the CronJobs', () => {
      expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(
        LONG_RUNNING.map((component) => `twinstream-${component}`).sort(),
      );
      const migrate = ofKind<IJob>(objects, 'Job').find((job) => job.metadata.name === 'twinstream-migrate');
      expect(migrate?.spec?.template.spec?.containers[0]?.args?.[0]).toBe('migrate');
      expect(ofKind<ICronJob>(objects, 'CronJob').map((cronJob) => cronJob.metadata.name)).toEqual(
        expect.arrayContaining(['twinstream-report-daily', 'twinstream-retention']),
      );
    });

    it('when looking for Secrets, then none is rendered: credentials are created outside the repository', () => {
      expect(
        objects.filter((object) => object.kind === 'Secret').map((object) => object.metadata.name),
      ).toEqual([]);
    });

    it('when every object is looked at, then it carries the app.kubernetes.io name, component and part-of labels', () => {
      for (const object of objects) {
        const labels = object.metadata.labels ?? {};
        expect(labels['app.kubernetes.io/name'], `${object.kind} ${object.metadata.name}`).toBe('twinstream');
        expect(labels['app.kubernetes.io/part-of'], `${object.kind} ${object.metadata.name}`).toBe(
          'twinstream',
        );
      }
      for (const { kind, name, template } of pods) {
        const labels = template.metadata?.labels ?? {};
        expect(labels['app.kubernetes.io/component'], `${kind} ${name} pod`).toMatch(/^[a-z-]+$/);
        expect(labels['app.kubernetes.io/part-of'], `${kind} ${name} pod`).toBe('twinstream');
      }
    });

    it('when each pod template is checked, then pod and every container meet the restricted Pod Security profile', () => {
      expect(pods.length).toBeGreaterThanOrEqual(LONG_RUNNING.length + 1);
      for (const { kind, name, spec } of pods) {
        const where = `${kind} ${name}`;
        expect(spec.automountServiceAccountToken, where).toBe(false);
        expect(spec.hostNetwork ?? false, where).toBe(false);
        expect(spec.securityContext?.runAsNonRoot, where).toBe(true);
        expect(spec.securityContext?.runAsUser, where).toBe(10001);
        expect(spec.securityContext?.seccompProfile?.type, where).toBe('RuntimeDefault');
        const tmpVolumes = (spec.volumes ?? [])
          .filter((volume) => volume.emptyDir)
          .map((volume) => volume.name);
        for (const container of allContainers(spec)) {
          const at = `${where} container ${container.name}`;
          const context = container.securityContext;
          expect(context?.allowPrivilegeEscalation, at).toBe(false);
          expect(context?.readOnlyRootFilesystem, at).toBe(true);
          expect(context?.capabilities?.drop, at).toEqual(['ALL']);
          expect(context?.capabilities?.add ?? [], at).toEqual([]);
          expect(context?.privileged ?? false, at).toBe(false);
          expect(context?.runAsUser ?? 10001, at).toBe(10001);
          expect(context?.runAsNonRoot ?? true, at).toBe(true);
          const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
          expect(tmp && tmpVolumes.includes(tmp.name), `${at}: an emptyDir at /tmp`).toBe(true);
          for (const resource of ['cpu', 'memory']) {
            expect(container.resources?.requests?.[resource], `${at} requests.${resource}`).toBeDefined();
            expect(container.resources?.limits?.[resource], `${at} limits.${resource}`).toBeDefined();
          }
        }
      }
    });

    it('when the Deployments are checked, then startup, liveness and readiness probe /healthz and /readyz on a declared port', () => {
      for (const deployment of deployments) {
        for (const container of allContainers(deployment.spec?.template.spec ?? { containers: [] })) {
          const at = `${deployment.metadata.name} container ${container.name}`;
          const declared = (container.ports ?? []).flatMap((port) => [port.name, port.containerPort]);
          const probes = {
            startupProbe: [container.startupProbe, '/healthz'],
            livenessProbe: [container.livenessProbe, '/healthz'],
            readinessProbe: [container.readinessProbe, '/readyz'],
          } as const;
          for (const [kind, [probe, path]] of Object.entries(probes)) {
            expect(probe?.httpGet?.path, `${at} ${kind}`).toBe(path);
            expect(declared, `${at} ${kind} port`).toContain(probe?.httpGet?.port);
          }
        }
      }
    });

    it('when shutdown is checked, then every Deployment allows 30 s and the process is told to stop within 20 s', () => {
      for (const deployment of deployments) {
        const spec = deployment.spec?.template.spec;
        expect(spec?.terminationGracePeriodSeconds, deployment.metadata.name).toBe(30);
        for (const container of spec?.containers ?? []) {
          expect(
            environmentValue(container, configMaps, 'SHUTDOWN_TIMEOUT_MS'),
            deployment.metadata.name,
          ).toBe('20000');
        }
      }
    });

    it('when replicas and autoscalers are checked, then none goes past the 6 partitions and each targets a Deployment', () => {
      const names = deployments.map((deployment) => deployment.metadata.name);
      for (const deployment of deployments) {
        expect(deployment.spec?.replicas ?? 1, deployment.metadata.name).toBeLessThanOrEqual(MAX_REPLICAS);
      }
      const scaledObjects = ofKind<IScaledObject>(objects, 'ScaledObject');
      for (const scaled of scaledObjects) {
        const { minReplicaCount = 0, maxReplicaCount = 100 } = scaled.spec;
        expect(maxReplicaCount, scaled.metadata.name).toBeLessThanOrEqual(MAX_REPLICAS);
        expect(minReplicaCount, scaled.metadata.name).toBeLessThanOrEqual(maxReplicaCount);
        expect(names).toContain(scaled.spec.scaleTargetRef.name);
      }
      const queries = Object.fromEntries(
        scaledObjects.map((scaled) => [
          scaled.spec.scaleTargetRef.name,
          scaled.spec.triggers.map((trigger) => `${trigger.type} ${String(trigger.metadata.query)}`),
        ]),
      );
      expect(queries).toEqual({
        'twinstream-processor': ['prometheus sum(twin_consumer_lag_messages)'],
        'twinstream-projector': ['prometheus sum(twin_projector_consumer_lag_messages)'],
      });
      const autoscalers = ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler');
      expect(autoscalers.map((hpa) => hpa.spec?.scaleTargetRef.name)).toEqual(['twinstream-api']);
      for (const hpa of autoscalers) {
        expect(hpa.spec?.maxReplicas, hpa.metadata.name).toBeLessThanOrEqual(MAX_REPLICAS);
        expect(hpa.spec?.metrics?.map((metric) => metric.resource?.name)).toEqual(['cpu']);
      }
    });

    it('when every PodDisruptionBudget, Service and NetworkPolicy is checked, then each selects pods that exist', () => {
      const podLabels = pods.map(({ template }) => template.metadata?.labels ?? {});
      for (const deployment of deployments) {
        const labels = deployment.spec?.template.metadata?.labels ?? {};
        const budgets = ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget').filter((budget) =>
          selects(budget.spec?.selector, labels),
        );
        expect(budgets.length, `PodDisruptionBudget for ${deployment.metadata.name}`).toBe(1);
      }
      for (const service of ofKind<IService>(objects, 'Service')) {
        const matched = pods.filter(({ template }) =>
          selects({ matchLabels: service.spec?.selector ?? {} }, template.metadata?.labels),
        );
        expect(matched.length, `Service ${service.metadata.name}`).toBeGreaterThan(0);
        for (const port of service.spec?.ports ?? []) {
          const declared = matched.flatMap(({ spec }) =>
            spec.containers.flatMap((container) =>
              (container.ports ?? []).flatMap((p) => [p.name, p.containerPort]),
            ),
          );
          expect(declared, `Service ${service.metadata.name} port ${port.name}`).toContain(port.targetPort);
        }
      }
      for (const policy of ofKind<INetworkPolicy>(objects, 'NetworkPolicy')) {
        const matched = podLabels.filter((labels) => selects(policy.spec?.podSelector, labels));
        expect(matched.length, `NetworkPolicy ${policy.metadata.name}`).toBeGreaterThan(0);
      }
    });

    it('when the ServiceMonitors are followed, then they reach the metrics port of all four long-running processes', () => {
      const monitors = ofKind<IServiceMonitor>(objects, 'ServiceMonitor');
      expect(monitors.length).toBeGreaterThan(0);
      const scraped = new Set<string>();
      for (const monitor of monitors) {
        const services = ofKind<IService>(objects, 'Service').filter((service) =>
          selects(monitor.spec.selector, service.metadata.labels),
        );
        expect(services.length, `ServiceMonitor ${monitor.metadata.name}`).toBeGreaterThan(0);
        for (const endpoint of monitor.spec.endpoints ?? []) {
          for (const service of services) {
            expect(service.spec?.ports?.map((port) => port.name)).toContain(endpoint.port);
            for (const { template } of pods) {
              if (selects({ matchLabels: service.spec?.selector ?? {} }, template.metadata?.labels)) {
                scraped.add(template.metadata?.labels?.['app.kubernetes.io/component'] ?? '');
              }
            }
          }
        }
      }
      expect([...scraped].sort()).toEqual([...LONG_RUNNING].sort());
    });

    it('when the NetworkPolicies are read, then only Prometheus pods in any namespace may reach the metrics port', () => {
      const policies = ofKind<INetworkPolicy>(objects, 'NetworkPolicy');
      for (const deployment of deployments) {
        const labels = deployment.spec?.template.metadata?.labels ?? {};
        const container = deployment.spec?.template.spec?.containers[0];
        const metrics = container?.ports?.find((port) => port.name === 'metrics');
        expect(metrics?.containerPort, deployment.metadata.name).toBe(9464);
        const applying = policies.filter(
          (policy) =>
            selects(policy.spec?.podSelector, labels) && policy.spec?.policyTypes?.includes('Ingress'),
        );
        expect(applying.length, `${deployment.metadata.name} is isolated for ingress`).toBeGreaterThan(0);
        const rulesForMetrics = applying
          .flatMap((policy) => policy.spec?.ingress ?? [])
          .filter(
            (rule) =>
              !rule.ports ||
              rule.ports.some((port) => port.port === 'metrics' || port.port === metrics?.containerPort),
          );
        expect(rulesForMetrics.length, `${deployment.metadata.name} metrics reachable`).toBeGreaterThan(0);
        for (const rule of rulesForMetrics) {
          expect(rule.from, `${deployment.metadata.name}: who may scrape`).toEqual([
            {
              namespaceSelector: {},
              podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
            },
          ]);
        }
      }
    });

    it('when the workloads are read, then each runs a real twin subcommand with its own database Secret', () => {
      const subcommands = twinSubcommands();
      expect(subcommands).toEqual(expect.arrayContaining(['processor', 'migrate', 'report']));
      for (const { kind, name, spec } of pods) {
        for (const container of spec.containers) {
          expect(subcommands, `${kind} ${name}: ${container.args?.join(' ')}`).toContain(container.args?.[0]);
          expect(container.command, `${kind} ${name}: the image's entrypoint runs twin`).toBeUndefined();
          const secrets = (container.envFrom ?? []).flatMap((source) =>
            source.secretRef ? [source.secretRef.name] : [],
          );
          const component = container.args?.[0] ?? '';
          const expected = LONG_RUNNING.includes(component)
            ? `twinstream-db-${component}`
            : component === 'migrate'
              ? 'twinstream-db-migrator'
              : 'twinstream-db-jobs';
          expect(secrets, `${kind} ${name}`).toEqual([expected]);
        }
      }
    });

    it('when the notifier is read, then its routes file comes from a Secret mounted read-only where NOTIFY_ROUTES_FILE points', () => {
      const notifier = deployments.find((deployment) => deployment.metadata.name === 'twinstream-notifier');
      const spec = notifier?.spec?.template.spec;
      const container = spec?.containers[0];
      const file = container?.env?.find((variable) => variable.name === 'NOTIFY_ROUTES_FILE')?.value ?? '';
      const mount = container?.volumeMounts?.find((candidate) => file.startsWith(`${candidate.mountPath}/`));
      expect(mount?.readOnly).toBe(true);
      const volume = spec?.volumes?.find((candidate) => candidate.name === mount?.name);
      expect(volume?.secret?.secretName).toBe('twinstream-notifier-routes');
    });
  },
);

describe('given the dev overlay', () => {
  const objects = rendered('k8s/overlays/dev');

  it('when rendered, then everything is in twinstream-dev, at one replica, logging at debug', () => {
    for (const object of objects) {
      expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe('twinstream-dev');
    }
    for (const deployment of ofKind<IDeployment>(objects, 'Deployment')) {
      expect(deployment.spec?.replicas ?? 1, deployment.metadata.name).toBe(1);
    }
    for (const scaled of ofKind<IScaledObject>(objects, 'ScaledObject')) {
      expect(scaled.spec.maxReplicaCount, scaled.metadata.name).toBe(1);
    }
    for (const hpa of ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler')) {
      expect(hpa.spec?.maxReplicas, hpa.metadata.name).toBe(1);
    }
    expect(ofKind<IConfigMap>(objects, 'ConfigMap')[0]?.data?.LOG_LEVEL).toBe('debug');
  });
});

describe('given the prod overlay', () => {
  const objects = rendered('k8s/overlays/prod');

  it('when rendered, then everything is in twinstream, with at least two pods per process and a PDB keeping one', () => {
    for (const object of objects) {
      expect(object.metadata.namespace, `${object.kind} ${object.metadata.name}`).toBe('twinstream');
    }
    for (const scaled of ofKind<IScaledObject>(objects, 'ScaledObject')) {
      expect(scaled.spec.minReplicaCount, scaled.metadata.name).toBeGreaterThanOrEqual(2);
    }
    for (const hpa of ofKind<IHorizontalPodAutoscaler>(objects, 'HorizontalPodAutoscaler')) {
      expect(hpa.spec?.minReplicas, hpa.metadata.name).toBeGreaterThanOrEqual(2);
    }
    const notifier = ofKind<IDeployment>(objects, 'Deployment').find(
      (d) => d.metadata.name === 'twinstream-notifier',
    );
    expect(notifier?.spec?.replicas).toBeGreaterThanOrEqual(2);
    for (const budget of ofKind<IPodDisruptionBudget>(objects, 'PodDisruptionBudget')) {
      expect(budget.spec, budget.metadata.name).toMatchObject({ minAvailable: 1 });
      expect(budget.spec?.maxUnavailable, budget.metadata.name).toBeUndefined();
    }
  });

  it('when the images are read, then every one is pinned to a release tag or digest, never latest', () => {
    for (const { kind, name, spec } of workloads(objects)) {
      for (const container of allContainers(spec)) {
        expect(container.image, `${kind} ${name}`).toMatch(
          /^ghcr\.io\/twinstream\/twinstream(:\d+\.\d+\.\d+|@sha256:)/,
        );
      }
    }
  });
});

describe('given the Dockerfile', () => {
  const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: string[][] = [];
  for (const instruction of instructions) {
    if (/^FROM /i.test(instruction)) stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  const build = stages[0] ?? [];
  const runtime = stages.at(-1) ?? [];

  it('when its build stage is read, then it compiles on Node 24 against the system libraries and drops dev deps', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(build[0]).toMatch(/^FROM node:24-bookworm AS build$/i);
    const text = build.join('\n');
    for (const library of ['libssl-dev', 'zlib1g-dev', 'libzstd-dev', 'liblz4-dev', 'libsasl2-dev']) {
      expect(text).toContain(library);
    }
    expect(text).toMatch(/CKJS_LINKING=dynamic .*npm ci/);
    expect(text).toContain('npm run build');
    expect(text).toContain('npm prune --omit=dev');
  });

  it('when its final stage is read, then it runs as a non-root user under tini, with what the runtime reads', () => {
    expect(runtime[0]).toMatch(/^FROM node:24-bookworm-slim\b/i);
    const text = runtime.join('\n');
    for (const library of ['libssl3', 'zlib1g', 'libzstd1', 'liblz4-1', 'libsasl2-2', 'tini']) {
      expect(text).toMatch(new RegExp(`\\b${library}\\b`));
    }
    const user = runtime.filter((line) => /^USER /i.test(line)).at(-1) ?? '';
    const uid = /^USER\s+(\d+)/i.exec(user)?.[1];
    expect(uid, `final USER is numeric and not root: "${user}"`).toBeDefined();
    expect(Number(uid)).toBeGreaterThan(0);
    const entrypoint = runtime.filter((line) => /^ENTRYPOINT /i.test(line)).at(-1) ?? '';
    expect(JSON.parse(entrypoint.replace(/^ENTRYPOINT\s+/i, ''))).toEqual([
      'tini',
      '--',
      'node',
      'bin/twin.js',
    ]);
    // Read at runtime: bin/twin.js loads dist/; migrate.ts walks up to package.json + drizzle/; schema-files.ts to
    // schemas/*.avsc (tsc does not copy them).
    for (const path of [
      'package.json',
      'bin',
      'drizzle',
      'schemas/*.avsc',
      '/app/node_modules',
      '/app/dist',
    ]) {
      expect(
        runtime.some((line) => /^COPY /i.test(line) && line.split(/\s+/).includes(path)),
        `COPY ${path}`,
      ).toBe(true);
    }
  });

  it('when .dockerignore is read, then local build output, state and secrets stay out of the context', () => {
    const ignored = readFileSync(join(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    for (const entry of [
      'node_modules',
      '.stack',
      'dist',
      '.git',
      'reports',
      'bench/results',
      'coverage',
      '*.log',
    ]) {
      expect(ignored).toContain(entry);
    }
  });
});
