#!/usr/bin/env bash
# Set up (first time only) and run Park One-Map on http://localhost:8501.
# The data file is $PARK_DB (default data/park.gpkg), created from the sample park on first run.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh runtime
bash scripts/system_deps.sh fonts  # the CJK font of the meeting pack's PDF (apt, as root)
exec .venv/bin/python -m streamlit run app.py --server.port "${PORT:-8501}" "$@"
