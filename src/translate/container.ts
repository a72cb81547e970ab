// The one container of a service's pods, named as the service.
import type { V1Container, V1EnvVar, V1ResourceRequirements, V1SecurityContext, V1VolumeMount } from '@kubernetes/client-node';
import type { Problem } from '../model/problem.ts';
import type { ServiceSpec } from '../model/stack.ts';
import { escapeKubernetesExpansion } from './escape.ts';
import type { TranslateOptions } from './options.ts';
import { containerPortList, hostPortProblems } from './ports.ts';
import { splitShellWords } from './shell-words.ts';

export function container(
  svc: ServiceSpec,
  options: TranslateOptions,
  env: V1EnvVar[],
  mounts: V1VolumeMount[],
  /** What the container runs: the image as written, or pinned to the digest it was resolved to. */
  image: string = svc.image,
): { container: V1Container; problems: Problem[] } {
  const problems: Problem[] = [];
  const { command, args } = commandLine(svc, problems);
  const ports = containerPortList(svc, options);
  problems.push(...hostPortProblems(svc, options));
  const resources = resourceRequirements(svc);
  const securityContext = containerSecurityContext(svc);
  return {
    container: {
      name: svc.name,
      image,
      // Docker Cloud pulled the image on every deployment: a redeploy picks up a moved tag.
      imagePullPolicy: 'Always',
      ...(command !== undefined && { command }),
      ...(args !== undefined && { args }),
      ...(svc.workingDir !== undefined && { workingDir: svc.workingDir }),
      ...(env.length > 0 && { env }),
      ...(ports.length > 0 && { ports }),
      ...(resources !== undefined && { resources }),
      ...(securityContext !== undefined && { securityContext }),
      ...(svc.stdinOpen === true && { stdin: true }),
      ...(svc.tty === true && { tty: true }),
      ...(mounts.length > 0 && { volumeMounts: mounts }),
    },
    problems,
  };
}

/**
 * entrypoint → command, runCommand → args, each split into words like a shell. As in Docker,
 * an entrypoint given without a run command also drops the image's CMD (Kubernetes does the
 * same when only command is set). An empty entrypoint means "no entrypoint": the run command
 * then is the whole command line.
 */
function commandLine(svc: ServiceSpec, problems: Problem[]): { command?: string[]; args?: string[] } {
  const split = (field: 'entrypoint' | 'runCommand'): string[] | undefined => {
    const text = svc[field];
    if (text === undefined) return undefined;
    const result = splitShellWords(text);
    if (!result.ok) {
      problems.push({ service: svc.name, field, message: `cannot be split into words: it ${result.error}` });
      return undefined;
    }
    return result.value.map(escapeKubernetesExpansion);
  };
  const entrypoint = split('entrypoint');
  const run = split('runCommand');
  if (entrypoint !== undefined && entrypoint.length === 0) {
    if (run === undefined || run.length === 0) {
      problems.push({
        service: svc.name,
        field: 'entrypoint',
        message: 'is empty and there is no run command: the container would have nothing to run',
      });
      return {};
    }
    return { command: run };
  }
  return {
    ...(entrypoint !== undefined && { command: entrypoint }),
    ...(run !== undefined && run.length > 0 && { args: run }),
  };
}

/** memory (MB) → memory limit and request; cpuShares (1024 = one CPU) → a CPU request. */
function resourceRequirements(svc: ServiceSpec): V1ResourceRequirements | undefined {
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  if (svc.cpuShares !== undefined) requests['cpu'] = `${Math.max(1, Math.round((svc.cpuShares * 1000) / 1024))}m`;
  if (svc.memory !== undefined) {
    limits['memory'] = `${svc.memory}Mi`;
    requests['memory'] = `${svc.memory}Mi`;
  }
  if (Object.keys(requests).length === 0) return undefined;
  return { ...(Object.keys(limits).length > 0 && { limits }), requests };
}

function containerSecurityContext(svc: ServiceSpec): V1SecurityContext | undefined {
  const add = sortedUnique(svc.capAdd);
  const drop = sortedUnique(svc.capDrop);
  const [uid, gid] = svc.user === undefined ? [] : svc.user.split(':');
  const context: V1SecurityContext = {
    ...(svc.privileged === true && { privileged: true }),
    ...((add.length > 0 || drop.length > 0) && {
      capabilities: { ...(add.length > 0 && { add }), ...(drop.length > 0 && { drop }) },
    }),
    ...(svc.readOnly === true && { readOnlyRootFilesystem: true }),
    ...(uid !== undefined && { runAsUser: Number(uid) }),
    ...(gid !== undefined && { runAsGroup: Number(gid) }),
  };
  return Object.keys(context).length > 0 ? context : undefined;
}

function sortedUnique(values: readonly string[] | undefined): string[] {
  return [...new Set(values ?? [])].sort();
}
