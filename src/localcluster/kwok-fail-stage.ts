// A kwok Stage of Longshore's own, next to kwok's defaults: kwok runs no container, so its
// pod-complete stage ends every Pod of a Job successfully. This one ends, instead, a Job's Pod
// whose container's command is `false` (what would fail on a real node too) with exit code 1,
// so that tests can show a one-shot service failing on the local control plane and on kind
// alike. Its weight makes kwok choose it over pod-complete, which matches the same Pods.
export const POD_FAIL_STAGE = `apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: longshore-pod-fail
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  weight: 100
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values:
      - 'Running'
    - key: '.metadata.ownerReferences.[].kind'
      operator: 'In'
      values:
      - 'Job'
    - key: '.spec.containers.[].command.[]'
      operator: 'In'
      values:
      - 'false'
  next:
    statusTemplate: |
      {{ $now := Now }}
      containerStatuses:
      {{ range .spec.containers }}
      - image: {{ .image | Quote }}
        name: {{ .name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            exitCode: 1
            finishedAt: {{ $now | Quote }}
            reason: Error
            startedAt: {{ $now | Quote }}
      {{ end }}
      phase: Failed
`;
