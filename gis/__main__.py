"""``python -m gis``: store tasks from the command line (see :mod:`gis.store.cli`)."""

import sys

from gis.store.cli import main

if __name__ == "__main__":
    sys.exit(main())
