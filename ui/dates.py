"""Date inputs that take every date a user can type; the range is checked by the server.

A ``st.date_input`` with ``min_value``/``max_value`` (or Streamlit's default range, ten
years either side of its value) rejects a typed date outside the range in the browser
alone: the field turns red with an English tooltip and the server keeps the *previous*
date, so a save goes through with a date the user did not enter (issue #11, 2). The inputs
here accept any date, so the server always sees what was typed and can refuse it with a
message in the user's language.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

#: The widest range the browser's date field can hold: no typed date is dropped silently.
EARLIEST = date(1, 1, 1)
LATEST = date(9999, 12, 31)


def date_input(label: str, *, key: str, container: Any = None, **options: Any) -> date | None:
    """``st.date_input`` (in ``container``, default the current one) accepting every date.

    ``options`` are passed on (``value``, ``help``, ...); a ``min_value``/``max_value``
    is not allowed: check the range where the value is used and say why it is refused.
    """
    if "min_value" in options or "max_value" in options:
        raise TypeError("check the range on the server; the browser drops rejected dates")
    widget = container if container is not None else st
    return widget.date_input(label, min_value=EARLIEST, max_value=LATEST, key=key, **options)
