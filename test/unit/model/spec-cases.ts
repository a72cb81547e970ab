// Stack specs the Kubernetes API (through the CRD, crds/stacks.longshore.io.yaml) and zod
// (validateStackSpec) must both accept or both refuse. crd-parity.test.ts checks zod; a test
// against a real API server can reuse these cases to check the CRD.
//
// Against a real server: create each valid spec, and see each invalid one refused, with
// `fieldValidation=Strict` (kubectl --validate=strict) — without it the server prunes unknown
// fields instead of refusing them (cases marked `unknownField`). Transition cases: create
// `before`, then update to `after`.
import type { StackSpec } from '../../../src/model/stack.ts';

export interface SpecCase {
  name: string;
  spec: unknown;
  valid: boolean;
  /** For an invalid spec: a path the refusal names, as validateStackSpec spells it. */
  field?: string;
  /** Refused by the API server only with fieldValidation=Strict; otherwise the field is dropped. */
  unknownField?: boolean;
}

export interface TransitionCase {
  name: string;
  before: StackSpec;
  after: StackSpec;
  allowed: boolean;
  field?: string;
}

const svc = (name: string, extra: Record<string, unknown> = {}) => ({ name, image: 'nginx', ...extra });
const oneService = (extra: Record<string, unknown>) => ({ services: [svc('web', extra)] });

export const VALID_SPECS: SpecCase[] = [
  {
    name: 'one container port on two outer ports',
    spec: oneService({
      containerPorts: [
        { innerPort: 80, outerPort: 80, published: true },
        { innerPort: 80, outerPort: 8080, published: true },
        { innerPort: 80 },
      ],
    }),
    valid: true,
  },
  { name: 'no services', spec: { services: [] }, valid: true },
  { name: 'one minimal service', spec: { services: [svc('web')] }, valid: true },
  {
    name: 'every field',
    valid: true,
    spec: {
      nickname: 'My stack',
      desiredState: 'Running',
      redeploy: { revision: 3, volumesRevision: 3 },
      services: [
        svc('web', {
          targetNumContainers: 2,
          runCommand: 'nginx -g "daemon off;"',
          entrypoint: '/entry.sh',
          containerPorts: [
            { innerPort: 80, outerPort: 8080, published: true, protocol: 'tcp' },
            { innerPort: 80, protocol: 'udp' },
          ],
          containerEnvvars: [{ key: 'A', value: '' }],
          linkedToService: [{ toService: 'db', name: 'DB_1' }],
          bindings: [{ hostPath: '/h', containerPath: '/c', rewritable: false }, { volumesFrom: 'db' }],
          autorestart: 'ALWAYS',
          autodestroy: 'ON_SUCCESS',
          deploymentStrategy: 'EVERY_NODE',
          sequentialDeployment: true,
          privileged: true,
          workingDir: '/',
          memory: 4,
          cpuShares: 2,
          net: 'host',
          pid: 'host',
          tags: ['t'],
          roles: ['global'],
          autoredeploy: false,
          capAdd: ['NET_ADMIN'],
          capDrop: ['ALL'],
          dns: ['1.1.1.1', '8.8.8.8', '9.9.9.9'],
          dnsSearch: ['a', 'b', 'c', 'd', 'e', 'f'],
          extraHosts: ['h:10.0.0.1'],
          labels: { 'a.b/c': 'd' },
          user: '0:0',
          hostname: 'web',
          readOnly: false,
          stdinOpen: true,
          tty: true,
        }),
        svc('db'),
      ],
    },
  },
  { name: 'a service linking to itself', spec: oneService({ linkedToService: [{ toService: 'web' }] }), valid: true },
  {
    name: 'a retry limit with autorestart ON_FAILURE',
    spec: oneService({ autorestart: 'ON_FAILURE', autorestartRetries: 3 }),
    valid: true,
  },
  { name: 'each desired state', spec: { desiredState: 'Terminated', services: [] }, valid: true },
  { name: 'redeploy without volumes', spec: { redeploy: { revision: 0 }, services: [] }, valid: true },
  { name: '100 services', spec: { services: Array.from({ length: 100 }, (_, i) => svc(`s${i}`)) }, valid: true },
  {
    name: '100 ports',
    spec: oneService({ containerPorts: Array.from({ length: 100 }, (_, i) => ({ innerPort: i + 1 })) }),
    valid: true,
  },
  { name: 'a 63-character service name', spec: { services: [svc('a'.repeat(63))] }, valid: true },
  {
    // A link may name what lies outside the stack (a Service of the namespace, another stack's
    // service): whether it exists is the controller's and the façade's to say.
    name: 'a link to no sibling',
    spec: oneService({ linkedToService: [{ toService: 'db' }] }),
    valid: true,
  },
  {
    name: "a link to another stack's service",
    spec: oneService({ linkedToService: [{ toService: 'db.other', name: 'db' }] }),
    valid: true,
  },
  {
    name: 'tabs and newlines in free text (environment values, commands, label values)',
    spec: oneService({
      containerEnvvars: [{ key: 'CERT', value: '-----BEGIN-----\nabc\n\t-----END-----' }],
      runCommand: "sh -c 'a\nb'",
      entrypoint: '/bin/sh\t-c',
      labels: { note: 'one\ntwo' },
    }),
    valid: true,
  },
  { name: 'non-ASCII text without control characters', spec: { nickname: 'Café ☕ 店', services: [] }, valid: true },
];

export const INVALID_SPECS: SpecCase[] = [
  { name: 'no services list', spec: {}, valid: false, field: 'spec.services' },
  {
    name: 'an unknown top-level field',
    spec: { services: [], replicas: 2 },
    valid: false,
    field: 'spec.replicas',
    unknownField: true,
  },
  {
    name: 'an unknown service field',
    spec: oneService({ ports: ['80'] }),
    valid: false,
    field: 'spec.services[0].ports',
    unknownField: true,
  },
  { name: 'an upper-case service name', spec: { services: [svc('Web')] }, valid: false, field: 'spec.services[0].name' },
  {
    name: 'a 64-character service name',
    spec: { services: [svc('a'.repeat(64))] },
    valid: false,
    field: 'spec.services[0].name',
  },
  { name: 'a service without image', spec: { services: [{ name: 'web' }] }, valid: false, field: 'spec.services[0].image' },
  {
    name: 'an image with white space',
    spec: oneService({ image: 'nginx latest' }),
    valid: false,
    field: 'spec.services[0].image',
  },
  { name: 'an empty image', spec: oneService({ image: '' }), valid: false, field: 'spec.services[0].image' },
  {
    name: 'negative containers',
    spec: oneService({ targetNumContainers: -1 }),
    valid: false,
    field: 'spec.services[0].targetNumContainers',
  },
  {
    name: 'too many containers',
    spec: oneService({ targetNumContainers: 10001 }),
    valid: false,
    field: 'spec.services[0].targetNumContainers',
  },
  {
    name: 'a fraction of a container',
    spec: oneService({ targetNumContainers: 1.5 }),
    valid: false,
    field: 'spec.services[0].targetNumContainers',
  },
  {
    name: 'port 0',
    spec: oneService({ containerPorts: [{ innerPort: 0 }] }),
    valid: false,
    field: 'spec.services[0].containerPorts[0].innerPort',
  },
  {
    name: 'port 65536',
    spec: oneService({ containerPorts: [{ innerPort: 65536 }] }),
    valid: false,
    field: 'spec.services[0].containerPorts[0].innerPort',
  },
  {
    name: 'an SCTP port',
    spec: oneService({ containerPorts: [{ innerPort: 80, protocol: 'sctp' }] }),
    valid: false,
    field: 'spec.services[0].containerPorts[0].protocol',
  },
  {
    name: 'a port listed twice with one outer port',
    spec: oneService({
      containerPorts: [
        { innerPort: 80, outerPort: 8080, published: true },
        { innerPort: 80, outerPort: 8080, published: true },
      ],
    }),
    valid: false,
    field: 'spec.services[0].containerPorts[1]',
  },
  {
    name: 'a port listed twice',
    spec: oneService({ containerPorts: [{ innerPort: 80 }, { innerPort: 80, protocol: 'tcp' }] }),
    valid: false,
    field: 'spec.services[0].containerPorts[1]',
  },
  {
    name: '101 ports',
    spec: oneService({ containerPorts: Array.from({ length: 101 }, (_, i) => ({ innerPort: i + 1 })) }),
    valid: false,
    field: 'spec.services[0].containerPorts',
  },
  {
    name: 'a variable name with "="',
    spec: oneService({ containerEnvvars: [{ key: 'A=B', value: '' }] }),
    valid: false,
    field: 'spec.services[0].containerEnvvars[0].key',
  },
  {
    name: 'a variable without value',
    spec: oneService({ containerEnvvars: [{ key: 'A' }] }),
    valid: false,
    field: 'spec.services[0].containerEnvvars[0].value',
  },
  {
    name: 'a link with two dots',
    spec: oneService({ linkedToService: [{ toService: 'db.other.x' }] }),
    valid: false,
    field: 'spec.services[0].linkedToService[0].toService',
  },
  {
    name: 'a link alias starting with "-"',
    spec: oneService({ linkedToService: [{ toService: 'web', name: '-x' }] }),
    valid: false,
    field: 'spec.services[0].linkedToService[0].name',
  },
  {
    name: 'a relative host path',
    spec: oneService({ bindings: [{ hostPath: 'data', containerPath: '/d' }] }),
    valid: false,
    field: 'spec.services[0].bindings[0].hostPath',
  },
  {
    name: 'a binding with nothing to mount',
    spec: oneService({ bindings: [{ rewritable: true }] }),
    valid: false,
    field: 'spec.services[0].bindings[0]',
  },
  {
    name: 'volumesFrom with a container path',
    spec: oneService({ bindings: [{ volumesFrom: 'web', containerPath: '/d' }] }),
    valid: false,
    field: 'spec.services[0].bindings[0]',
  },
  {
    name: 'a retry limit without autorestart ON_FAILURE',
    spec: oneService({ autorestart: 'OFF', autorestartRetries: 3 }),
    valid: false,
    field: 'spec.services[0].autorestartRetries',
  },
  {
    name: 'a retry limit without autorestart',
    spec: oneService({ autorestartRetries: 3 }),
    valid: false,
    field: 'spec.services[0].autorestartRetries',
  },
  {
    name: 'volumesFrom no sibling',
    spec: oneService({ bindings: [{ volumesFrom: 'db' }] }),
    valid: false,
    field: 'spec.services[0].bindings[0].volumesFrom',
  },
  {
    name: 'a stack-file restart value',
    spec: oneService({ autorestart: 'on-failure' }),
    valid: false,
    field: 'spec.services[0].autorestart',
  },
  {
    name: 'an unknown deployment strategy',
    spec: oneService({ deploymentStrategy: 'RANDOM' }),
    valid: false,
    field: 'spec.services[0].deploymentStrategy',
  },
  { name: '3 MB of memory', spec: oneService({ memory: 3 }), valid: false, field: 'spec.services[0].memory' },
  { name: '1 CPU share', spec: oneService({ cpuShares: 1 }), valid: false, field: 'spec.services[0].cpuShares' },
  { name: 'network mode none', spec: oneService({ net: 'none' }), valid: false, field: 'spec.services[0].net' },
  { name: 'a user name', spec: oneService({ user: 'root' }), valid: false, field: 'spec.services[0].user' },
  { name: 'an upper-case host name', spec: oneService({ hostname: 'Web' }), valid: false, field: 'spec.services[0].hostname' },
  {
    name: 'an extra host without address',
    spec: oneService({ extraHosts: ['db'] }),
    valid: false,
    field: 'spec.services[0].extraHosts[0]',
  },
  {
    name: 'a lower-case capability',
    spec: oneService({ capAdd: ['net_admin'] }),
    valid: false,
    field: 'spec.services[0].capAdd[0]',
  },
  { name: 'four DNS servers', spec: oneService({ dns: ['1', '2', '3', '4'] }), valid: false, field: 'spec.services[0].dns' },
  {
    name: 'a label value that is a number',
    spec: oneService({ labels: { a: 1 } }),
    valid: false,
    field: 'spec.services[0].labels.a',
  },
  { name: 'duplicate service names', spec: { services: [svc('web'), svc('web')] }, valid: false, field: 'spec.services[1].name' },
  {
    name: '101 services',
    spec: { services: Array.from({ length: 101 }, (_, i) => svc(`s${i}`)) },
    valid: false,
    field: 'spec.services',
  },
  { name: 'an unknown desired state', spec: { desiredState: 'Paused', services: [] }, valid: false, field: 'spec.desiredState' },
  {
    name: 'a negative revision',
    spec: { redeploy: { revision: -1 }, services: [] },
    valid: false,
    field: 'spec.redeploy.revision',
  },
  { name: 'redeploy without revision', spec: { redeploy: {}, services: [] }, valid: false, field: 'spec.redeploy.revision' },
  {
    name: 'volumesRevision ahead of revision',
    spec: { redeploy: { revision: 1, volumesRevision: 2 }, services: [] },
    valid: false,
    field: 'spec.redeploy.volumesRevision',
  },
  { name: 'a 254-character nickname', spec: { nickname: 'n'.repeat(254), services: [] }, valid: false, field: 'spec.nickname' },
  // Control characters: refused in names and other identifiers, NUL refused everywhere.
  { name: 'a NUL in the nickname', spec: { nickname: 'a\u0000b', services: [] }, valid: false, field: 'spec.nickname' },
  { name: 'a newline in the nickname', spec: { nickname: 'a\nb', services: [] }, valid: false, field: 'spec.nickname' },
  { name: 'a C1 control in the nickname', spec: { nickname: 'a\u009bb', services: [] }, valid: false, field: 'spec.nickname' },
  { name: 'a NUL in the image', spec: oneService({ image: 'nginx\u0000' }), valid: false, field: 'spec.services[0].image' },
  { name: 'a DEL in the image', spec: oneService({ image: 'nginx\u007f' }), valid: false, field: 'spec.services[0].image' },
  {
    name: 'a NUL in the command',
    spec: oneService({ runCommand: 'a\u0000b' }),
    valid: false,
    field: 'spec.services[0].runCommand',
  },
  {
    name: 'a NUL in the entrypoint',
    spec: oneService({ entrypoint: 'a\u0000b' }),
    valid: false,
    field: 'spec.services[0].entrypoint',
  },
  {
    name: 'a control character in an environment name',
    spec: oneService({ containerEnvvars: [{ key: 'A\nB', value: '' }] }),
    valid: false,
    field: 'spec.services[0].containerEnvvars[0].key',
  },
  {
    name: 'a NUL in an environment value',
    spec: oneService({ containerEnvvars: [{ key: 'A', value: 'x\u0000' }] }),
    valid: false,
    field: 'spec.services[0].containerEnvvars[0].value',
  },
  {
    name: 'a control character in a host path',
    spec: oneService({ bindings: [{ hostPath: '/h\n', containerPath: '/c' }] }),
    valid: false,
    field: 'spec.services[0].bindings[0].hostPath',
  },
  {
    name: 'a control character in a container path',
    spec: oneService({ bindings: [{ containerPath: '/c\u0000' }] }),
    valid: false,
    field: 'spec.services[0].bindings[0].containerPath',
  },
  {
    name: 'a control character in working_dir',
    spec: oneService({ workingDir: '/a\tb' }),
    valid: false,
    field: 'spec.services[0].workingDir',
  },
  {
    name: 'a control character in a tag',
    spec: oneService({ tags: ['t\u0000'] }),
    valid: false,
    field: 'spec.services[0].tags[0]',
  },
  {
    name: 'a control character in a role',
    spec: oneService({ roles: ['r\n'] }),
    valid: false,
    field: 'spec.services[0].roles[0]',
  },
  {
    name: 'a control character in a dns entry',
    spec: oneService({ dns: ['1.1.1.1\n'] }),
    valid: false,
    field: 'spec.services[0].dns[0]',
  },
  {
    name: 'a control character in a dns search domain',
    spec: oneService({ dnsSearch: ['a\u0000'] }),
    valid: false,
    field: 'spec.services[0].dnsSearch[0]',
  },
  {
    name: 'a control character in an extra host',
    spec: oneService({ extraHosts: ['a\u0000:1.2.3.4'] }),
    valid: false,
    field: 'spec.services[0].extraHosts[0]',
  },
  {
    name: 'a NUL in a label value',
    spec: oneService({ labels: { a: 'v\u0000' } }),
    valid: false,
    field: 'spec.services[0].labels.a',
  },
  {
    name: 'more than 1000 labels',
    spec: oneService({ labels: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`l${i}`, ''])) }),
    valid: false,
    field: 'spec.services[0].labels',
  },
];

export const SPEC_CASES: SpecCase[] = [...VALID_SPECS, ...INVALID_SPECS];

const empty = (extra: Partial<StackSpec>): StackSpec => ({ services: [], ...extra });

export const TRANSITION_CASES: TransitionCase[] = [
  { name: 'start', before: empty({}), after: empty({ desiredState: 'Running' }), allowed: true },
  { name: 'stop', before: empty({ desiredState: 'Running' }), after: empty({ desiredState: 'Stopped' }), allowed: true },
  { name: 'terminate', before: empty({ desiredState: 'Stopped' }), after: empty({ desiredState: 'Terminated' }), allowed: true },
  {
    name: 'stay terminated',
    before: empty({ desiredState: 'Terminated' }),
    after: empty({ desiredState: 'Terminated' }),
    allowed: true,
  },
  {
    name: 'restart after terminate',
    before: empty({ desiredState: 'Terminated' }),
    after: empty({ desiredState: 'Running' }),
    allowed: false,
    field: 'spec.desiredState',
  },
  {
    name: 'drop desiredState after terminate',
    before: empty({ desiredState: 'Terminated' }),
    after: empty({}),
    allowed: false,
    field: 'spec.desiredState',
  },
  { name: 'first redeploy', before: empty({}), after: empty({ redeploy: { revision: 1 } }), allowed: true },
  {
    name: 'next redeploy',
    before: empty({ redeploy: { revision: 1 } }),
    after: empty({ redeploy: { revision: 2, volumesRevision: 2 } }),
    allowed: true,
  },
  {
    name: 'same revision',
    before: empty({ redeploy: { revision: 2 } }),
    after: empty({ redeploy: { revision: 2 } }),
    allowed: true,
  },
  {
    name: 'revision going back',
    before: empty({ redeploy: { revision: 2 } }),
    after: empty({ redeploy: { revision: 1 } }),
    allowed: false,
    field: 'spec.redeploy.revision',
  },
  {
    name: 'redeploy removed',
    before: empty({ redeploy: { revision: 2 } }),
    after: empty({}),
    allowed: false,
    field: 'spec.redeploy.revision',
  },
];
