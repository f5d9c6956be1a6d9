#!/usr/bin/env bash
# Builds the Kubernetes test cluster's binaries from the Go module proxy, once per version set:
# kube-apiserver, kube-controller-manager, kube-scheduler (k8s.io/kubernetes), etcd and kwok.
# Prints the binary folder on stdout; a second run with the same versions does nothing.
#   FLINK_KIT_CACHE  cache root (default ~/.cache/flink-kit); binaries go to kube-lab/bin/<versions>/
#   GO               the go command (default: go on PATH, else /usr/local/go/bin/go); needs Go >= 1.26
# Cold: about 5 minutes on 2 cores (1.1 GB module cache, 3.5 GB build cache); warm Go caches: ~20 s.
set -euo pipefail
K8S_VERSION=1.36.3 ETCD_VERSION=v3.6.8 KWOK_VERSION=v0.8.0
ROOT=${FLINK_KIT_CACHE:-$HOME/.cache/flink-kit}/kube-lab
BIN=$ROOT/bin/k8s-v$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION
log() { echo "[kube-lab build] $*" >&2; }

binaries=(kube-apiserver kube-controller-manager kube-scheduler etcd kwok)
cached=1
for b in "${binaries[@]}" kwok-stages.yaml; do [[ -e $BIN/$b ]] || cached=0; done
if [[ $cached == 1 ]]; then echo "$BIN"; exit 0; fi

GO=${GO:-$(command -v go || echo /usr/local/go/bin/go)}
if ! "$GO" version >/dev/null 2>&1; then
  log "Go is needed to build the Kubernetes test cluster (kube-apiserver, etcd, kwok): install Go >= 1.26 or set GO=/path/to/go"
  exit 1
fi
goversion=$("$GO" env GOVERSION)
if [[ ! $goversion =~ ^go1\.(2[6-9]|[3-9][0-9]) ]]; then
  log "$goversion is too old: kwok $KWOK_VERSION and Kubernetes $K8S_VERSION need Go >= 1.26 (set GO=/path/to/go)"
  exit 1
fi
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
mkdir -p "$BIN" "$ROOT/src"

# go build into a temp name, then rename: an interrupted build never looks cached.
gobuild() { # <module dir> <binary> <package> [ldflags]
  [[ -x $BIN/$2 ]] && return
  log "building $2 ($3)"
  (cd "$1" && nice -n 10 "$GO" build -trimpath -ldflags="-s -w ${4:-}" -o "$BIN/$2.tmp" "$3")
  mv "$BIN/$2.tmp" "$BIN/$2"
}
wrapper() { # <dir> <module path> <version>: a module that only requires <module path>@<version>
  mkdir -p "$1"
  [[ -f $1/go.mod ]] || printf 'module flinkkit/kubelab\n\ngo 1.26.0\n\nrequire %s %s\n' "$2" "$3" > "$1/go.mod"
}

# k8s.io/kubernetes replaces its staging modules (k8s.io/api, k8s.io/apiserver, ...) with ./staging/...,
# which `go install pkg@version` refuses: wrap it and point every staging module at its published tag.
k=$ROOT/src/kubernetes-v$K8S_VERSION
if [[ ! -f $k/go.mod ]]; then
  mkdir -p "$k"
  gomod=$(cd "$k" && "$GO" mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",/\1/p')
  staging="v0.${K8S_VERSION#1.}"
  { printf 'module flinkkit/kubelab\n\ngo 1.26.0\n\nrequire k8s.io/kubernetes v%s\n\nreplace (\n' "$K8S_VERSION"
    sed -n '/^replace (/,/^)/p' "$gomod" | awk -v v="$staging" '/=> \.\/staging/ {print "\t" $1 " => " $1 " " v}'
    echo ')'; } > "$k/go.mod.tmp"
  mv "$k/go.mod.tmp" "$k/go.mod"
fi
v=k8s.io/component-base/version minor=${K8S_VERSION#1.}
stamp="-X $v.gitVersion=v$K8S_VERSION -X $v.gitMajor=1 -X $v.gitMinor=${minor%%.*} -X $v.gitTreeState=clean"
for c in kube-apiserver kube-controller-manager kube-scheduler; do gobuild "$k" "$c" "k8s.io/kubernetes/cmd/$c" "$stamp"; done

# etcd's server module has replace directives too; wrapping it is enough (its package is main).
e=$ROOT/src/etcd-$ETCD_VERSION
wrapper "$e" go.etcd.io/etcd/server/v3 "$ETCD_VERSION"
gobuild "$e" etcd go.etcd.io/etcd/server/v3

w=$ROOT/src/kwok-$KWOK_VERSION
wrapper "$w" sigs.k8s.io/kwok "$KWOK_VERSION"
gobuild "$w" kwok sigs.k8s.io/kwok/cmd/kwok

# kwok without kwokctl needs Stage objects (node and pod life cycles) in its --config, and its
# port-forward CRDs when rules are created at run time.
if [[ ! -f $BIN/kwok-stages.yaml ]]; then
  d=$(cd "$w" && "$GO" mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)",/\1/p')
  cp "$d"/kustomize/crd/bases/kwok.x-k8s.io_*portforwards.yaml "$BIN/"
  for f in node/fast/node-initialize node/heartbeat-with-lease/node-heartbeat-with-lease \
           pod/fast/pod-ready pod/fast/pod-complete pod/fast/pod-delete; do
    cat "$d/kustomize/stage/$f.yaml"; echo '---'
  done > "$BIN/kwok-stages.yaml.tmp"
  mv "$BIN/kwok-stages.yaml.tmp" "$BIN/kwok-stages.yaml"
fi
log "binaries in $BIN"
echo "$BIN"
