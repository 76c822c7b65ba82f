"""``python -m gis``: store tasks from the command line (see :mod:`gis.cli`)."""

import sys

from gis.cli import main

if __name__ == "__main__":
    sys.exit(main())
