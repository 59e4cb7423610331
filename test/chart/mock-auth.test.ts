import { describe, expect, it } from 'vitest';
import { helmTemplate, type K8sObject } from '../helpers/helm.js';

const envOf = (o: K8sObject, container: string) =>
  (o.spec.template.spec.containers as K8sObject[]).find((c) => c.name === container)!.env as K8sObject[];
const secretRefs = (env: K8sObject[]) =>
  Object.fromEntries(env.filter((e) => e.valueFrom?.secretKeyRef).map((e) => [e.name, e.valueFrom.secretKeyRef.name]));

describe('the in-cluster mock shares the tester credentials', () => {
  it('gets the same secret env as the Job, and the custom key path', () => {
    const r = helmTemplate({ mock: { enabled: true }, auth: { basicAuthPassword: 'pw-123456', apiKey: 'sk-abcdef', apiKeyEndpoint: '/ai/admin/api-keys' } });
    const job = r.find('Job')!;
    const mock = r.find('Deployment')!;
    const jobContainer = (job.spec.template.spec.containers as K8sObject[])[0]!;
    expect(secretRefs(envOf(mock, 'mock'))).toEqual(secretRefs(jobContainer.env));
    expect(Object.keys(secretRefs(jobContainer.env)).sort()).toEqual(['API_KEY', 'BASIC_AUTH_PASSWORD']);
    const args = (mock.spec.template.spec.containers as K8sObject[])[0]!.args as string[];
    expect(args).toEqual(expect.arrayContaining(['--admin-path', '/ai/admin/api-keys']));
    expect(r.stdout).not.toContain('pw-123456');
  });

  it('with existingSecret both read it, optionally', () => {
    const r = helmTemplate({ mock: { enabled: true }, auth: { existingSecret: 'creds' } });
    const env = envOf(r.find('Deployment')!, 'mock');
    expect(secretRefs(env)).toEqual({ API_KEY: 'creds', BASIC_AUTH_USERNAME: 'creds', BASIC_AUTH_PASSWORD: 'creds' });
    expect(env.filter((e) => e.valueFrom).every((e) => e.valueFrom.secretKeyRef.optional === true)).toBe(true);
  });

  it('without credentials renders no secret env', () => {
    const r = helmTemplate({ mock: { enabled: true } });
    expect(secretRefs(envOf(r.find('Deployment')!, 'mock'))).toEqual({});
  });
});
