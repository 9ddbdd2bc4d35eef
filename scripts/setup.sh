#!/usr/bin/env bash
# Idempotent setup of everything Wangge needs on a fresh Debian machine:
# system packages (browser for tests, CJK fonts), Python venv, pinned packages,
# front-end assets from npm (served by the app; never a CDN), database migrations.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3

need_apt=()
[[ -x /usr/bin/chromium ]] || need_apt+=(chromium)
[[ -x /usr/bin/chromedriver ]] || need_apt+=(chromium-driver)
dpkg -s fonts-noto-cjk >/dev/null 2>&1 || need_apt+=(fonts-noto-cjk)
if ((${#need_apt[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    echo "==> installing system packages: ${need_apt[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null
  else
    echo "==> please install with your package manager: ${need_apt[*]}" >&2
  fi
fi

if [[ ! -x .venv/bin/python ]]; then
  echo "==> creating .venv"
  "$PY" -m venv .venv
fi
if [[ ! -f .venv/.installed ]] || [[ requirements.lock -nt .venv/.installed ]] || [[ pyproject.toml -nt .venv/.installed ]]; then
  echo "==> installing Python packages (pinned in requirements.lock)"
  .venv/bin/python -m pip install -q --disable-pip-version-check -r requirements.lock
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps -e .
  touch .venv/.installed
fi

if [[ ! -f node_modules/.installed ]] || [[ package-lock.json -nt node_modules/.installed ]]; then
  echo "==> installing front-end assets (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
  touch node_modules/.installed
fi
.venv/bin/python scripts/collect_assets.py >/dev/null
