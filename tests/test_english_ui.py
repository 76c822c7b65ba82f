"""English UI details of issue #11: the map page's summary has one number format per
quantity (counts whole, 亩 to 0.1, 公顷 to 0.01) in every row."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from gis.i18n import t
from tests.apptest_kit import assert_clean, markdown_tables, signed_in

APP = Path(__file__).resolve().parent.parent / "app.py"
TIMEOUT = 90


def test_map_summary_has_one_format_per_quantity(store_copy):
    at = signed_in(AppTest.from_file(str(APP), default_timeout=TIMEOUT))
    at.run()
    at.selectbox(key="lang").set_value("en").run()
    assert_clean(at)
    [table] = markdown_tables(at)
    count, mu, ha = (t(k, "en") for k in ("summary_count", "summary_area_mu", "summary_area_ha"))
    assert list(table.columns) == [t("summary_status", "en"), count, mu, ha]
    # What the browser shows: one format per column, every row alike.
    patterns = {1: r"[0-9]+", 2: r"[0-9]+\.[0-9]", 3: r"[0-9]+\.[0-9]{2}"}
    for column, pattern in patterns.items():
        cells = table.iloc[:, column].tolist()
        assert cells and all(re.fullmatch(pattern, cell) for cell in cells), cells
    assert table.iloc[-1, 0] == t("summary_total", "en")
    table[[count, mu, ha]] = table[[count, mu, ha]].astype(float)
    # The total row is the sum of the rows above it, in the same units.
    assert table[count].iloc[-1] == table[count].iloc[:-1].sum()
    assert abs(table[mu].iloc[-1] - table[mu].iloc[:-1].sum()) < 0.05 * len(table)
