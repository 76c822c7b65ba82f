"""The app's pages, in sidebar order: the one list app.py and the tests read."""

from __future__ import annotations

from dataclasses import dataclass


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
