#!/usr/bin/env bash
# Source this file: puts a Node.js >= 22.19 first on PATH.
#
# Uses the system `node` when it is new enough. Otherwise it installs the official Node.js binary that
# the npm registry ships as the package `node-<os>-<arch>` (the package behind `npm i node`) into
# .cache/node/<version>/ in this checkout, once, and prepends its bin/ to PATH. Only npm and tar are
# needed; the system npm then runs on the provisioned node.
#
# Override the provisioned version with FLINK_KIT_NODE_VERSION (default below).

flink_kit_node_min_major=22
flink_kit_node_min_minor=19
flink_kit_node_version="${FLINK_KIT_NODE_VERSION:-24.21.0}"

flink_kit_node_ok() {
  local v major minor
  v=$("$1" --version 2>/dev/null) || return 1
  v=${v#v}; major=${v%%.*}; minor=${v#*.}; minor=${minor%%.*}
  ((major > flink_kit_node_min_major || (major == flink_kit_node_min_major && minor >= flink_kit_node_min_minor)))
}

flink_kit_ensure_node() {
  local root dir os arch pkg tmp
  if command -v node >/dev/null 2>&1 && flink_kit_node_ok node; then return 0; fi
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  dir="$root/.cache/node/$flink_kit_node_version"
  if [[ ! -x $dir/bin/node ]]; then
    case "$(uname -s)" in Linux) os=linux ;; Darwin) os=darwin ;; *) echo "flink-kit: unsupported OS $(uname -s); install Node.js >= 22.19 yourself" >&2; return 1 ;; esac
    case "$(uname -m)" in x86_64 | amd64) arch=x64 ;; aarch64 | arm64) arch=arm64 ;; *) echo "flink-kit: unsupported CPU $(uname -m); install Node.js >= 22.19 yourself" >&2; return 1 ;; esac
    command -v npm >/dev/null 2>&1 || { echo "flink-kit: Node.js >= 22.19 is needed and npm is missing to fetch it; install Node.js 22.19+ (24 LTS preferred)" >&2; return 1; }
    pkg="node-$os-$arch@$flink_kit_node_version"
    echo "flink-kit: system Node is $(node --version 2>/dev/null || echo missing); fetching $pkg from the npm registry into .cache/node" >&2
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "$pkg" >/dev/null && tar xzf ./*.tgz) || { rm -rf "$tmp"; echo "flink-kit: could not fetch $pkg" >&2; return 1; }
    mkdir -p "$(dirname "$dir")" && rm -rf "$dir" && mv "$tmp/package" "$dir" && rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  flink_kit_node_ok node || { echo "flink-kit: provisioned node at $dir does not run" >&2; return 1; }
}

flink_kit_ensure_node
