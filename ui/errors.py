"""Uncaught errors: the user reads a short notice with an incident number, the log the details.

Streamlit would show the exception with its traceback, which names the server's files. The
page run is wrapped by :func:`incident_guard` (app.py); what escapes it anyway — an error in
a widget callback, which Streamlit runs before the script — is shown by Streamlit without
details, as ``client.showErrorDetails = "none"`` in ``.streamlit/config.toml`` asks.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner import RerunException, StopException

from gis.i18n import t

LOGGER = logging.getLogger("park.incident")


def new_incident_id() -> str:
    """A short number a user can read out on the phone: 8 hex digits, e.g. ``3F9A0C17``."""
    return secrets.token_hex(4).upper()


def _ensure_log_handler() -> None:
    # Streamlit sets up only its own loggers; without a handler ours would reach stderr
    # through logging's last-resort handler, without a time stamp.
    if not LOGGER.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        LOGGER.addHandler(handler)


def report_incident(exc: BaseException, lang: str) -> str:
    """Log ``exc`` with its traceback under a new incident id, show the notice; return the id."""
    incident = new_incident_id()
    _ensure_log_handler()
    LOGGER.error("incident %s: %s: %s", incident, type(exc).__name__, exc, exc_info=exc)
    st.error(t("incident", lang, id=incident), icon="⚠️")
    return incident


@contextmanager
def incident_guard(lang: Callable[[], str]) -> Iterator[None]:
    """Turn an uncaught error inside the block into the incident notice.

    Streamlit's control flow (``st.rerun``, ``st.stop``, ``st.switch_page``) raises
    exceptions too: those pass through untouched. ``lang`` is asked only when an error
    happens, so the block may itself set the language.
    """
    try:
        yield
    except (RerunException, StopException):
        raise
    except Exception as exc:
        report_incident(exc, lang())
