"""The app's pages, in sidebar order: the one list app.py and the tests read."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from gis.auth.access import Actor
from gis.i18n import t


@dataclass(frozen=True)
class PageEntry:
    name: str  # script pages/views/<name>.py and URL path /<name>
    title_key: str  # message key of the sidebar title
    icon: str  # a Material Symbol: shipped with Streamlit, so it renders offline

    @property
    def script(self) -> str:
        return f"pages/views/{self.name}.py"


PAGES: tuple[PageEntry, ...] = (
    PageEntry("map", "page_map", ":material/map:"),
    PageEntry("parcels", "page_parcels", ":material/search:"),
    PageEntry("targets", "page_targets", ":material/target:"),
    PageEntry("reuse", "page_reuse", ":material/recycling:"),
    PageEntry("data", "page_data", ":material/folder_open:"),
    PageEntry("meeting", "page_meeting", ":material/co_present:"),
)

#: Pages for administrators only (accounts, the audit trail): registered for an actor who
#: may manage accounts, so no one else has them in the sidebar or at their URL.
ADMIN_PAGES: tuple[PageEntry, ...] = (
    PageEntry("admin", "page_admin", ":material/admin_panel_settings:"),
)


def admin_pages(actor: Actor | None) -> tuple[PageEntry, ...]:
    """The administrators' pages ``actor`` gets: all of them or none."""
    return ADMIN_PAGES if actor is not None and actor.may("manage_accounts") else ()


#: Internal name of the default page. Streamlit serves the default page at ``/`` only and
#: names pages by their url_path, so the first page's own name is kept free for the alias.
HOME_KEY = "home"


def streamlit_pages(lang: str, actor: Actor | None = None) -> list:
    """The ``st.Page`` list for ``st.navigation``: every page, the first one the default;
    the administrators' pages if ``actor`` may manage accounts.

    The default page lives at ``/``; a bookmark of ``/map`` (its name) would show
    Streamlit's "Page not found" dialog, so a hidden page at ``/map`` hands over to ``/``
    with the link's query parameters.
    """
    pages = [
        st.Page(
            p.script,
            title=t(p.title_key, lang),
            icon=p.icon,
            url_path=HOME_KEY if i == 0 else p.name,
            default=i == 0,
        )
        for i, p in enumerate(PAGES)
    ]
    pages += [
        st.Page(p.script, title=t(p.title_key, lang), icon=p.icon, url_path=p.name)
        for p in admin_pages(actor)
    ]
    home = pages[0]

    def to_home() -> None:
        st.switch_page(home, query_params=st.query_params.to_dict())

    alias = st.Page(to_home, title=home.title, url_path=PAGES[0].name, visibility="hidden")
    return [*pages, alias]
