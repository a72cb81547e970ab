import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/main/config.ts';

describe('configuration', () => {
  it('has a default for every setting', () => {
    const c = loadConfig({});
    expect(c.LONGSHORE_PORT).toBe(8080);
    expect(c.LONGSHORE_WORKERS).toBe(4);
    expect(c.LONGSHORE_LEADER_ELECTION).toBe(true);
    expect(c.LONGSHORE_PUBLISHED_SERVICE_TYPE).toBe('NodePort');
  });

  it('reads values from the environment', () => {
    const c = loadConfig({ LONGSHORE_PORT: '9000', LONGSHORE_POD_SECURITY_DEFAULT: 'restricted', LONGSHORE_LOG_LEVEL: 'debug' });
    expect(c.LONGSHORE_PORT).toBe(9000);
    expect(c.LONGSHORE_POD_SECURITY_DEFAULT).toBe('restricted');
    expect(c.LONGSHORE_LOG_LEVEL).toBe('debug');
    expect(loadConfig({}).LONGSHORE_POD_SECURITY_DEFAULT).toBe('baseline');
  });

  it('stops on the removed host switches set to true, naming the Pod Security replacement', () => {
    for (const name of ['LONGSHORE_ALLOW_HOST_PATH', 'LONGSHORE_ALLOW_HOST_NETWORK']) {
      expect(() => loadConfig({ [name]: 'true' })).toThrow(
        new RegExp(
          `${name}="true": was removed: .*pod-security\\.kubernetes\\.io/enforce=privileged.*LONGSHORE_POD_SECURITY_DEFAULT=privileged`,
        ),
      );
      // false is what they meant unset: harmless, accepted.
      expect(() => loadConfig({ [name]: 'false' })).not.toThrow();
    }
    expect(() => loadConfig({ LONGSHORE_POD_SECURITY_DEFAULT: 'permissive' })).toThrow(
      /LONGSHORE_POD_SECURITY_DEFAULT="permissive": must be privileged, baseline or restricted/,
    );
  });

  it('refuses a bad value, naming the variable, the value and the rule', () => {
    expect(() => loadConfig({ LONGSHORE_PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ LONGSHORE_PORT: 'eighty' })).toThrow(/LONGSHORE_PORT="eighty"/);
    expect(() => loadConfig({ LONGSHORE_WORKERS: '0' })).toThrow(/LONGSHORE_WORKERS="0": .*1/);
    expect(() => loadConfig({ LONGSHORE_ALLOW_HOST_PATH: 'maybe' })).toThrow(
      /LONGSHORE_ALLOW_HOST_PATH="maybe": must be true or false/,
    );
    expect(() => loadConfig({ LONGSHORE_PUBLISHED_SERVICE_TYPE: 'ClusterIP' })).toThrow(
      /LONGSHORE_PUBLISHED_SERVICE_TYPE="ClusterIP": must be NodePort, LoadBalancer or HostPort/,
    );
    expect(loadConfig({ LONGSHORE_PUBLISHED_SERVICE_TYPE: 'HostPort' }).LONGSHORE_PUBLISHED_SERVICE_TYPE).toBe('HostPort');
    expect(() => loadConfig({ LONGSHORE_VOLUME_SIZE: '1GB' })).toThrow(/must be a Kubernetes quantity/);
  });

  it('reads registry credentials only where the administrator says, and bounds trigger calls', () => {
    const c = loadConfig({});
    expect(c.LONGSHORE_REGISTRY_AUTH_FILE).toBeUndefined();
    expect(c.LONGSHORE_READ_PULL_SECRETS).toBe(false);
    expect(c.LONGSHORE_TRIGGER_CALLS_PER_MINUTE).toBe(10);
    expect(c.LONGSHORE_TRIGGER_CALLS_PER_MINUTE_TOTAL).toBe(120);
    expect(loadConfig({ LONGSHORE_REGISTRY_AUTH_FILE: '/etc/longshore/registry/config.json' }).LONGSHORE_REGISTRY_AUTH_FILE).toBe(
      '/etc/longshore/registry/config.json',
    );
    expect(() => loadConfig({ LONGSHORE_REGISTRY_AUTH_FILE: 'config.json' })).toThrow(
      /LONGSHORE_REGISTRY_AUTH_FILE="config.json": must be an absolute path to a Docker config file/,
    );
    expect(() => loadConfig({ LONGSHORE_READ_PULL_SECRETS: 'sometimes' })).toThrow(
      /LONGSHORE_READ_PULL_SECRETS="sometimes": must be true or false/,
    );
    expect(() => loadConfig({ LONGSHORE_TRIGGER_CALLS_PER_MINUTE_TOTAL: '0' })).toThrow(
      /LONGSHORE_TRIGGER_CALLS_PER_MINUTE_TOTAL="0"/,
    );
  });

  it('takes the façade URL the pods use (roles: [global]) as scheme, host and port only', () => {
    expect(loadConfig({}).LONGSHORE_FACADE_URL).toBeUndefined();
    expect(loadConfig({ LONGSHORE_FACADE_URL: 'https://longshore.ops.svc:8443/' }).LONGSHORE_FACADE_URL).toBe(
      'https://longshore.ops.svc:8443',
    );
    for (const bad of ['longshore:80', 'ftp://longshore', 'http://longshore/api', 'http://u:p@longshore', 'http://longshore?x=1'])
      expect(() => loadConfig({ LONGSHORE_FACADE_URL: bad })).toThrow(
        /LONGSHORE_FACADE_URL=".*": must be an http:\/\/ or https:\/\/ URL with a host and maybe a port/,
      );
  });
});
