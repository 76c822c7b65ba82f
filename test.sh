#!/usr/bin/env bash
# Set up (first time only) and run every test: lint, unit, AppTest and headless Chromium.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh dev
bash scripts/system_deps.sh test
.venv/bin/python -m ruff check .
.venv/bin/python -m ruff format --check .
exec .venv/bin/python -m pytest "$@"
