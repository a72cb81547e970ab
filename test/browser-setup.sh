#!/usr/bin/env bash
# Installs Chromium from Debian's packages for the dashboard's browser test
# (test/integration/dashboard.test.ts drives /usr/bin/chromium with playwright-core; browsers
# that npm packages download are not used). Does nothing when it is there already.
set -euo pipefail
chromium="${LONGSHORE_CHROMIUM:-/usr/bin/chromium}"
if [[ -x "$chromium" ]]; then
  echo "CHROMIUM=$chromium"
  exit 0
fi
sudo=""
[[ "$(id -u)" -eq 0 ]] || sudo="sudo"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
echo "CHROMIUM=$(command -v chromium)"
