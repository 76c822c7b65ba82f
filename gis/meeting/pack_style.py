"""What every page of the meeting pack shares: the CJK font, A4 landscape and the pack's
options.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from gis import vocabulary
from gis._errors import ParkError
from gis.i18n import t

#: Font families tried in order (the first one installed wins). TrueType-outline fonts
#: come first: matplotlib embeds a font as a TrueType CID font (``pdf.fonttype`` 42), and
#: the CFF outlines of Noto Sans CJK end up declared as TrueType, which poppler accepts
#: with a warning but stricter readers may not. Debian: ``fonts-wqy-microhei``.
CJK_FAMILIES = (
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Droid Sans Fallback",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
)


#: Where Debian's packages put them (registered explicitly, so a font installed after
#: matplotlib built its font cache is still found).
CJK_FONT_FILES = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
)


A4_LANDSCAPE = (11.69, 8.27)


class ReportError(ParkError, RuntimeError):
    """The meeting pack cannot be made (e.g. no CJK font)."""


@lru_cache(maxsize=1)
def cjk_font_family() -> str:
    """The family name of an installed CJK font; :class:`ReportError` if there is none."""
    from matplotlib import font_manager

    for path in CJK_FONT_FILES:
        if path.exists():
            font_manager.fontManager.addfont(str(path))
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in CJK_FAMILIES:
        if family in installed:
            return family
    raise ReportError("mtg_pack_font_missing")


@lru_cache(maxsize=1)
def _bold() -> str:
    """'bold' if the CJK font has a bold face, else 'normal' (no synthetic bold, no noise)."""
    from matplotlib import font_manager

    family = cjk_font_family()
    weights = {f.weight for f in font_manager.fontManager.ttflist if f.name == family}
    heavy = any((isinstance(w, int) and w >= 600) or w in ("bold", "heavy") for w in weights)
    return "bold" if heavy else "normal"


@dataclass(frozen=True)
class PackOptions:
    """What the meeting pack shows."""

    as_of: date
    lang: str = "zh"
    title: str | None = None
    field: str = vocabulary.SALE_FIELD
    block_ids: tuple[str, ...] = ()
    is_sample: bool = False
    meeting_date: date | None = None
    scenario_ids: tuple[str, ...] = ()
    made_on: date | None = None
    #: Start of the "changes since" table; None: the last meeting before ``as_of``
    #: (no such meeting: no table).
    changes_since: date | None = None
    #: A local tiles file (MBTiles or folder, :mod:`gis.basemap.tiles`) drawn under the parcels,
    #: read offline, and its attribution printed on the map (#18). None: no imagery.
    imagery: tuple[str, str] | None = None

    def heading(self) -> str:
        return self.title or t("mtg_pack_default_title", self.lang)
