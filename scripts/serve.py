"""Serve Park One-Map: ``streamlit run app.py`` with every page declared by ``st.navigation``.

Why not plain ``streamlit run app.py``: Streamlit 1.67 decides once per process, when the
first browser session starts, whether the app is a legacy pages-folder app — it is whenever
a ``pages/`` folder sits beside the entry script (ours holds ``pages/views/``). That first
script run then resolves the URL against the legacy page list (just ``app.py``), so a first
visit to ``/parcels?parcel=D07`` or ``/map`` after a start sends Streamlit's English "Page not
found" dialog, although ``st.navigation`` goes on to show the right page (streamlit#8860,
#9992). ``st.navigation`` clears that flag, but only from the second run on. Clearing it
before the server starts makes the first run an ordinary one.

Usage: ``python scripts/serve.py [streamlit run options]`` (run.sh and the tests use it).
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

APP = Path(__file__).resolve().parent.parent / "app.py"


def main(argv: list[str]) -> None:
    # app.py declares its pages with st.navigation; nothing is read from the pages/ folder.
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main(prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
