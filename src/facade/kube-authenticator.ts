// The real Authenticator: the API server decides. TokenReview says whose token it is;
// SubjectAccessReview says whether that user may use stacks.longshore.io in a namespace, so the
// façade grants exactly what RBAC grants. Wrap it in cachedAuthenticator (main does).
import { AuthenticationV1Api, AuthorizationV1Api, type KubeConfig } from '@kubernetes/client-node';
import { GROUP, PLURAL } from '../model/stack.ts';
import type { Authenticator, Identity, Verb } from './deps.ts';

export class KubeAuthenticator implements Authenticator {
  readonly #authn: AuthenticationV1Api;
  readonly #authz: AuthorizationV1Api;
  readonly #audiences: string[] | undefined;

  /** `audiences`: the token audiences to accept (default: the API server's own). */
  constructor(kubeConfig: KubeConfig, audiences?: string[]) {
    this.#authn = kubeConfig.makeApiClient(AuthenticationV1Api);
    this.#authz = kubeConfig.makeApiClient(AuthorizationV1Api);
    this.#audiences = audiences;
  }

  async authenticate(token: string): Promise<Identity | null> {
    const review = await this.#authn.createTokenReview({
      body: {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token, ...(this.#audiences ? { audiences: this.#audiences } : {}) },
      },
    });
    const user = review.status?.user;
    if (review.status?.authenticated !== true || user?.username === undefined) return null;
    return {
      username: user.username,
      groups: user.groups ?? [],
      ...(user.uid !== undefined ? { uid: user.uid } : {}),
      ...(user.extra !== undefined ? { extra: user.extra } : {}),
    };
  }

  async authorize(identity: Identity, namespace: string, verb: Verb): Promise<boolean> {
    const review = await this.#authz.createSubjectAccessReview({
      body: {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: identity.username,
          groups: identity.groups,
          ...(identity.uid !== undefined ? { uid: identity.uid } : {}),
          ...(identity.extra !== undefined ? { extra: identity.extra } : {}),
          resourceAttributes: { group: GROUP, resource: PLURAL, namespace, verb },
        },
      },
    });
    return review.status?.allowed === true;
  }
}
