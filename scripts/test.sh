#!/usr/bin/env bash
# Install everything the tests need (Debian packages, a virtualenv with the test extras) and run them.
# Usage: bash scripts/test.sh [pytest args...]       (the README's test command; .ci/run calls it)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian packages the tests use (rapper, roqet, chromium, virtuoso, curl...): one per line in .ci/apt-packages
mapfile -t pkgs < <(grep -v '^\s*#' .ci/apt-packages | sed '/^\s*$/d')
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "installing Debian packages: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e '.[test]'
exec .venv/bin/python -m pytest -n 2 --dist loadfile "$@"
