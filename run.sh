#!/usr/bin/env bash
# Set up (first time only) and run Park One-Map on http://localhost:8501.
# The data file is $PARK_DB (default data/park.gpkg), created from the sample park on first run.
set -euo pipefail
cd "$(dirname "$0")"
bash scripts/bootstrap.sh runtime
bash scripts/system_deps.sh fonts  # the CJK font of the meeting pack's PDF (apt, as root)
# scripts/serve.py is `streamlit run app.py` minus the legacy pages-folder first run.
exec .venv/bin/python scripts/serve.py --server.port "${PORT:-8501}" "$@"
