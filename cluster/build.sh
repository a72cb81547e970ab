#!/usr/bin/env bash
# Builds the local control plane (kube-apiserver, kube-controller-manager, kube-scheduler,
# kubectl, etcd, kwok), its cluster DNS (CoreDNS) and an in-memory OCI registry
# (go-containerregistry's cmd/registry, for the image-digest and autoredeploy tests) from Go
# modules through the module proxy, at the versions pinned in versions.env, into a cache outside
# git. The control plane, CoreDNS and the registry are cached apart, each under a key made of its
# own versions, so a new CoreDNS never rebuilds Kubernetes (nor the reverse). A second run with
# the same versions does nothing.
#
# Prints `COREDNS=<the coredns binary>` and `REGISTRY=<the registry binary>`, then the control
# plane's binary directory on its last line. Exit codes: 0 built or cached, 1 failed (the message names the cause and the log file
# to read).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=versions.env
source "$here/versions.env"

cache_root=${LONGSHORE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/longshore}
key="k8s-${KUBERNETES_VERSION}_etcd-${ETCD_VERSION}_kwok-${KWOK_VERSION}"
out="$cache_root/bin/$key"
work="$cache_root/build/$key"
dns_key="coredns-${COREDNS_VERSION}"
dns_out="$cache_root/bin/$dns_key"
dns_work="$cache_root/build/$dns_key"
registry_key="registry-${GO_CONTAINERREGISTRY_VERSION}"
registry_out="$cache_root/bin/$registry_key"
# The log of the part being built: the one fail() names.
log="$cache_root/build/$key.log"

binaries=(kube-apiserver kube-controller-manager kube-scheduler kubectl etcd kwok)

complete() {
  for b in "${binaries[@]}"; do [ -x "$out/$b" ] || return 1; done
  [ -d "$out/kwok-stages" ] || return 1
}
dns_complete() { [ -x "$dns_out/coredns" ]; }
registry_complete() { [ -x "$registry_out/registry" ]; }

report() {
  echo "COREDNS=$dns_out/coredns"
  echo "REGISTRY=$registry_out/registry"
  echo "$out"
}

if complete && dns_complete && registry_complete; then
  report
  exit 0
fi

fail() {
  echo "cluster build failed: $1" >&2
  echo "read the build log: $log" >&2
  exit 1
}

# Two runs at once (a test run and `npm start`, say) would build into the same directories and
# remove each other's results: the second waits for the first, then finds its binaries built.
mkdir -p "$cache_root/build"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$cache_root/build/lock"
  if ! flock -n 9; then
    echo "another cluster/build.sh is building into $cache_root; waiting for it to finish" >&2
    flock -w 7200 9 || fail "another cluster/build.sh held $cache_root/build/lock for 2 hours"
  fi
  if complete && dns_complete && registry_complete; then
    report
    exit 0
  fi
fi

command -v go >/dev/null 2>&1 || { echo "cluster build failed: 'go' is not on PATH; install Go 1.26 or later (https://go.dev/doc/install)" >&2; exit 1; }

export CGO_ENABLED=0 GOFLAGS=-buildvcs=false
# A module proxy that does not answer must fail the build, not hang it.
export GOPROXY=${GOPROXY:-https://proxy.golang.org,direct}

probe_proxy() { # module version
  local first=${GOPROXY%%,*}
  case "$first" in http*) ;; *) return 0 ;; esac
  curl -fsS --max-time 20 -o /dev/null "$first/$1/@v/$2.info" \
    || fail "the Go module proxy $first did not serve $1@$2"
}

started=$SECONDS
elapsed() { printf '%dm%02ds' $(((SECONDS - started) / 60)) $(((SECONDS - started) % 60)); }

run() { # run a logged step with a deadline; the step and the time so far also go to stderr
  local what=$1 limit=$2; shift 2
  echo "== $what ($(date -u +%H:%M:%S))" >>"$log"
  echo "  [$(elapsed)] $what ..." >&2
  # (Inside `if ! cmd; then`, $? is already 0: keep the step's own status.)
  local status=0
  timeout "$limit" "$@" >>"$log" 2>&1 || status=$?
  [ "$status" -eq 0 ] || fail "$what (exit $status$([ "$status" -eq 124 ] && echo ", over its $limit deadline"))"
}

build_control_plane() {
  log="$cache_root/build/$key.log"
  mkdir -p "$work" "$out.partial"
  : >"$log"
  echo "building the local control plane ($key) from Go modules, once (about 10 to 20 minutes on 2 cores; cached after); log: $log" >&2
  probe_proxy k8s.io/kubernetes "$KUBERNETES_VERSION"

  local minor patch staging_version
  minor=${KUBERNETES_VERSION#v1.}; minor=${minor%%.*}
  patch=${KUBERNETES_VERSION##*.}
  staging_version="v0.${minor}.${patch}"

  # --- Kubernetes: a wrapper module, since upstream's own replace lines point into its tree.
  local k8s="$work/kubernetes" upstream_mod
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
  local ldflags
  ldflags="-s -w $(pkg_version k8s.io/component-base/version) $(pkg_version k8s.io/client-go/pkg/version)"
  run "build kube-apiserver, kube-controller-manager, kube-scheduler, kubectl" 60m bash -c \
    "cd '$k8s' && go build -trimpath -tags selinux,notest,grpcnotrace -ldflags '$ldflags' -o '$out.partial/' \
       k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
       k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl"

  # --- etcd: its own wrapper, so its dependencies are not forced to Kubernetes' versions.
  local etcd="$work/etcd"
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
  local kwok_dir
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
}

# --- CoreDNS: its own wrapper module and cache key; its main package is the module root, with
# every in-tree plugin (kubernetes, ready, errors among them).
build_coredns() {
  log="$cache_root/build/$dns_key.log"
  mkdir -p "$dns_work" "$dns_out.partial"
  : >"$log"
  echo "building CoreDNS ($dns_key) from Go modules, once (about 5 to 10 minutes; cached after); log: $log" >&2
  probe_proxy github.com/coredns/coredns "$COREDNS_VERSION"
  cat >"$dns_work/go.mod" <<EOF
module longshore.local/coredns

go 1.26.0

require github.com/coredns/coredns ${COREDNS_VERSION}

tool github.com/coredns/coredns
EOF
  run "resolve CoreDNS modules" 20m bash -c "cd '$dns_work' && go mod tidy"
  run "build coredns" 30m bash -c "cd '$dns_work' && go build -trimpath -ldflags '-s -w' -o '$dns_out.partial/coredns' github.com/coredns/coredns"
  rm -rf "$dns_out"
  mv "$dns_out.partial" "$dns_out"
  dns_complete || fail "the build finished but coredns is missing from $dns_out"
}

# --- The OCI registry: go-containerregistry has no replace lines, so a plain install, like kwok.
build_registry() {
  log="$cache_root/build/$registry_key.log"
  mkdir -p "$registry_out.partial"
  : >"$log"
  echo "building the OCI registry ($registry_key) from Go modules, once (about a minute; cached after); log: $log" >&2
  probe_proxy github.com/google/go-containerregistry "$GO_CONTAINERREGISTRY_VERSION"
  run "build registry" 20m env GOBIN="$registry_out.partial" go install -trimpath -ldflags "-s -w" \
    "github.com/google/go-containerregistry/cmd/registry@${GO_CONTAINERREGISTRY_VERSION}"
  rm -rf "$registry_out"
  mv "$registry_out.partial" "$registry_out"
  registry_complete || fail "the build finished but registry is missing from $registry_out"
}

# `if`, not `||`: a function called on the left of || would run with set -e switched off.
built=false
if ! complete; then build_control_plane; built=true; fi
if ! dns_complete; then build_coredns; built=true; fi
if ! registry_complete; then build_registry; built=true; fi
if $built; then echo "  [$(elapsed)] built" >&2; fi
report
