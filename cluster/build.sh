#!/usr/bin/env bash
# Builds the local control plane (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl, etcd, kwok) from Go modules through the module proxy, at the versions pinned in
# versions.env, into a cache outside git. A second run with the same versions does nothing.
#
# Prints the binary directory on its last line. Exit codes: 0 built or cached, 1 failed
# (the message names the cause and the log file to read).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

cache_root=${LONGSHORE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/longshore}
key="k8s-${KUBERNETES_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
out="$cache_root/bin/$key"
work="$cache_root/build/$key"
log="$cache_root/build/$key.log"

binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)

complete() {
  for b in "${binaries[@]}"; do [ -x "$out/$b" ] || return 1; done
  [ -d "$out/kwok-stages" ] || return 1
}

if complete; then
  echo "$out"
  exit 0
fi

fail() {
  echo "cluster build failed: $1" >&2
  echo "read the build log: $log" >&2
  exit 1
}

command -v go >/dev/null 2>&1 || { echo "cluster build failed: 'go' is not on PATH; install Go 1.26 or later (https://go.dev/doc/install)" >&2; exit 1; }

mkdir -p "$work" "$out.partial"
: >"$log"
echo "building the local control plane ($key); log: $log" >&2

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# A module proxy that does not answer must fail the build, not hang it.
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}

probe_proxy() {
  local first=${GOPROXY%%,*}
  case "$first" in http*) ;; *) return 0 ;; esac
  curl -fsS --max-time 20 -o /dev/null "$first/k8s.io/kubernetes/@v/${KUBERNETES_VERSION}.info" \
    || fail "the Go module proxy $first did not serve k8s.io/kubernetes@${KUBERNETES_VERSION}"
}
probe_proxy

run() { # run a logged step with a deadline
  local what=$1 limit=$2; shift 2
  echo "== $what" >>"$log"
  if ! timeout "$limit" "$@" >>"$log" 2>&1; then
    fail "$what (exit $?)"
  fi
}

minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
patch=${KUBERNETES_VERSION##*.}
staging_version="v0.${minor}.${patch}"

# --- Kubernetes: a wrapper module, since upstream's own replace lines point into its tree.
k8s="$work/kubernetes"
mkdir -p "$k8s"
upstream_mod=$(curl -fsS --max-time 60 "${GOPROXY%%,*}/k8s.io/kubernetes/@v/${KUBERNETES_VERSION}.mod") \
  || fail "could not read k8s.io/kubernetes@${KUBERNETES_VERSION}'s go.mod from the module proxy"
{
  echo "module longshore.local/controlplane"
  echo
  echo "go $(awk '$1=="go"{print $2; exit}' <<<"$upstream_mod")"
  echo
  echo "require k8s.io/kubernetes ${KUBERNETES_VERSION}"
  echo
  echo "tool ("
  for c in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    echo "	k8s.io/kubernetes/cmd/$c"
  done
  echo ")"
  echo
  echo "replace ("
  # Every staging module upstream replaces with ./staging/... gets its published version.
  awk '$2=="=>" && $3 ~ /^\.\/staging\// {print "\t" $1 " => " $1 " '"$staging_version"'"}' <<<"$upstream_mod"
  echo ")"
} >"$k8s/go.mod"
grep -q "k8s.io/api => k8s.io/api $staging_version" "$k8s/go.mod" \
  || fail "found no staging replace lines in k8s.io/kubernetes@${KUBERNETES_VERSION}'s go.mod"

run "resolve Kubernetes modules" 30m bash -c "cd '$k8s' && go mod tidy"

pkg_version() { echo "-X $1.gitVersion=${KUBERNETES_VERSION} -X $1.gitMajor=1 -X $1.gitMinor=${minor} -X $1.gitTreeState=clean -X $1.buildDate=1970-01-01T00:00:00Z"; }
ldflags="-s -w $(pkg_version k8s.io/component-base/version) $(pkg_version k8s.io/client-go/pkg/version)"
run "build kube-apiserver, kube-controller-manager, kube-scheduler, kubectl" 60m bash -c \
  "cd '$k8s' && go build -trimpath -tags selinux,notest,grpcnotrace -ldflags '$ldflags' -o '$out.partial/' \
     k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
     k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl"

# --- etcd: its own wrapper, so its dependencies are not forced to Kubernetes' versions.
etcd="$work/etcd"
mkdir -p "$etcd"
cat >"$etcd/go.mod" <<EOF
module longshore.local/etcd

go 1.26.0

require go.etcd.io/etcd/server/v3 ${ETCD_VERSION}

tool go.etcd.io/etcd/server/v3
EOF
run "resolve etcd modules" 20m bash -c "cd '$etcd' && go mod tidy"
run "build etcd" 30m bash -c "cd '$etcd' && go build -trimpath -ldflags '-s -w' -o '$out.partial/etcd' go.etcd.io/etcd/server/v3"

# --- kwok: no replace lines, so a plain install; its Stage documents come from the module.
run "build kwok" 30m env GOBIN="$out.partial" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@${KWOK_VERSION}"
kwok_dir=$(go mod download -json "sigs.k8s.io/kwok@${KWOK_VERSION}" | awk -F'"' '$2=="Dir"{print $4}')
[ -d "$kwok_dir/kustomize/stage" ] || fail "kwok ${KWOK_VERSION} ships no kustomize/stage folder"
mkdir -p "$out.partial/kwok-stages"
for s in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
         pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
  [ -f "$kwok_dir/kustomize/stage/$s" ] || fail "kwok ${KWOK_VERSION} has no stage $s"
  cp "$kwok_dir/kustomize/stage/$s" "$out.partial/kwok-stages/"
done
chmod -R u+w "$out.partial/kwok-stages"

rm -rf "$out"
mv "$out.partial" "$out"
complete || fail "the build finished but binaries are missing from $out"
echo "$out"
