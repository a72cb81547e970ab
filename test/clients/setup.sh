#!/usr/bin/env bash
# Installs the real Docker Cloud clients the compatibility tests run unchanged:
#   - python-dockercloud 1.0.12 and the docker-cloud 1.0.9 CLI, in a Python 2.7 virtualenv;
#   - go-dockercloud v1.2.1, built into test/clients/go's small flow runner (dcgo).
# Idempotent and cached outside the repository, keyed by a hash of the inputs below, so a
# second run with nothing changed does nothing. Prints the paths as KEY=VALUE lines at the end
# (the integration tests read them through test/clients/paths.ts).
#
# Needs: Python 2.7.18 under pyenv (LONGSHORE_PY27 overrides), Go, and PyPI and the Go module
# proxy reachable the first time.
set -euo pipefail
export PIP_NO_PYTHON_VERSION_WARNING=1

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/longshore/clients"
py27="${LONGSHORE_PY27:-${PYENV_ROOT:-$HOME/.pyenv}/versions/2.7.18/bin/python2.7}"
[[ -x "$py27" || -n "${LONGSHORE_PY27:-}" ]] || py27=/root/.pyenv/versions/2.7.18/bin/python2.7

# Everything that decides what gets installed; a change to any of it reinstalls.
inputs_hash="$(cat "$here/setup.sh" "$here/python/requirements.txt" "$here/go/go.mod" "$here/go/go.sum" "$here"/go/*.go |
  sha256sum | cut -c1-16)"
stamp="$cache/.installed-$inputs_hash"

venv="$cache/py27"
dcgo="$cache/bin/dcgo"

if [[ ! -f "$stamp" ]]; then
  mkdir -p "$cache/bin"
  [[ -x "$py27" ]] || { echo "setup.sh: no Python 2.7 at $py27 (set LONGSHORE_PY27)" >&2; exit 1; }

  # virtualenv 16.7.12 is the last single-file release: it runs on 2.7 and needs no other
  # package. Installed into the cache, never into the pyenv interpreter itself.
  if [[ ! -f "$cache/virtualenv/virtualenv.py" ]]; then
    "$py27" -m pip install --quiet --disable-pip-version-check --no-deps \
      --target "$cache/virtualenv" 'virtualenv==16.7.12'
  fi
  rm -rf "$venv"
  PYTHONPATH="$cache/virtualenv" "$py27" -m virtualenv --quiet --no-download "$venv" >/dev/null
  # Pinned versions, no resolution surprises: every dependency is listed in requirements.txt.
  "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$here/python/requirements.txt"
  "$venv/bin/python" -c 'import dockercloud, dockercloudcli, yaml, tabulate, dateutil, ago' # fails loudly if one is missing

  (cd "$here/go" && go build -trimpath -o "$dcgo.tmp" . && mv "$dcgo.tmp" "$dcgo")

  rm -f "$cache"/.installed-*
  touch "$stamp"
fi

echo "LONGSHORE_CLIENTS_DIR=$cache"
echo "PYTHON27=$venv/bin/python"
echo "DOCKER_CLOUD_CLI=$venv/bin/docker-cloud"
echo "DCGO=$dcgo"
echo "DCPY=$here/python/dcpy.py"
