"""gis.parcels.search: codes, names, blocks, enterprises, pinyin, full-width and spacing."""

from __future__ import annotations

import pytest

from gis.parcels.search import ParcelIndex, normalise, pinyin_keys, strip_zeros, tokens
from gis.parcels.tables import enrich_parcels
from gis.store import ParkStore


@pytest.fixture(scope="module")
def sample(sample_store_path):
    store = ParkStore(sample_store_path)
    frames = {n: store.read(n) for n in ("parcels", "blocks", "enterprises")}
    parcels = enrich_parcels(frames["parcels"], frames["blocks"], frames["enterprises"])
    return ParcelIndex(parcels), parcels, frames


def codes(index: ParcelIndex, query: str, limit: int = 20) -> list[str]:
    return [h.code for h in index.search(query, limit=limit)]


def test_normalise_and_tokens():
    assert normalise("Ｄ０７") == "d07"
    assert normalise(" D 07 ") == "d07"
    assert tokens("bh\u3000Ｄ07  ") == ["bh", "d07"]  # an ideographic space splits too
    assert pinyin_keys("碧湖区块D07") == ("bhqkd07", "bihuqukuaid07")


@pytest.mark.parametrize(
    "query",
    ["D07", "d07", "Ｄ０７", " d07 ", "d 07", "bh d07", "BH D07", "bhd07", "bihu d07", "碧湖 D07"],
)
def test_d07_in_a_few_keystrokes(sample, query):
    index, _, _ = sample
    assert codes(index, query)[0] == "D07"


def test_every_parcel_is_found_first_by_its_code(sample):
    index, parcels, _ = sample
    misses = [c for c in parcels["code"] if codes(index, c, limit=1) != [c]]
    assert misses == []
    misses = [c for c in parcels["code"] if codes(index, c.lower(), limit=1) != [c]]
    assert misses == []


@pytest.mark.parametrize(
    "query", ["诚远电机", "诚远", "chengyuan", "cheng yuan", "CHENGYUAN", "cydj"]
)
def test_enterprise_by_name_and_pinyin(sample, query):
    index, _, frames = sample
    firms = frames["enterprises"]
    plot = firms.loc[firms["name"] == "诚远电机有限公司", "parcel_code"].iloc[0]
    assert codes(index, query)[0] == plot


def test_block_by_name_and_initials(sample):
    index, parcels, _ = sample
    ns = set(parcels.loc[parcels["block_id"] == "NS", "code"])
    assert set(codes(index, "南山", limit=500)) == ns
    assert ns <= set(codes(index, "nanshan", limit=500))
    found = codes(index, "ns a3")
    assert found[0] == "A3"


def test_parcel_name(sample):
    index, parcels, _ = sample
    name = parcels.loc[parcels["code"] == "12B", "name"].iloc[0]
    assert codes(index, name)[0] == "12B"


def test_every_token_must_match(sample):
    index, _, _ = sample
    assert codes(index, "南山 D07") == []
    assert codes(index, "zzzz") == []
    assert index.search("   ") == []


def test_limit_and_order(sample):
    index, _, _ = sample
    hits = index.search("d", limit=5)
    assert len(hits) == 5
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_html_in_names_is_just_text():
    import geopandas as gpd
    import shapely

    parcels = gpd.GeoDataFrame(
        {
            "code": ["X1", "X2"],
            "name": ["<script>alert(1)</script>", "正常地块"],
            "block_name": ["一号区块", "二号区块"],
            "enterprise_names": ["", "测试(集团)有限公司.*"],
        },
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(1, 1, 2, 2)],
        crs="EPSG:4490",
    )
    index = ParcelIndex(parcels)
    assert codes(index, "<script>") == ["X1"]
    assert codes(index, ".*") == ["X2"]  # regular-expression characters are literal
    assert codes(index, "(集团)") == ["X2"]


def test_strip_zeros():
    assert [strip_zeros(c) for c in ("d07", "01a", "d100", "d0", "a3", "3号", "c007b")] == [
        "d7",
        "1a",
        "d100",
        "d0",
        "a3",
        "3号",
        "c7b",
    ]


@pytest.mark.parametrize("query", ["d7", "D7", "Ｄ７", "d007", "bh d7", "bhd7", "碧湖 d7"])
def test_codes_match_whatever_their_leading_zeros(sample, query):
    index, _, _ = sample
    assert codes(index, query)[0] == "D07"


def test_leading_zeros_only_where_the_number_is_the_same():
    import geopandas as gpd
    import shapely

    made = ["D07", "D7", "D70", "D700", "01A", "1B"]
    parcels = gpd.GeoDataFrame(
        {"code": made, "name": [f"{c}地块" for c in made]},
        geometry=[shapely.box(i, 0, i + 1, 1) for i in range(len(made))],
        crs="EPSG:4490",
    )
    index = ParcelIndex(parcels)
    # The code as typed first, then the same number with zeros, then longer numbers.
    assert codes(index, "d7")[:2] == ["D7", "D07"]
    assert codes(index, "d07")[:2] == ["D07", "D7"]
    assert "D700" not in codes(index, "d07")  # d07 is 7, not the start of 700
    assert codes(index, "1a")[0] == "01A"
    assert codes(index, "01b")[0] == "1B"


def test_total_count_beyond_the_limit(sample):
    index, parcels, _ = sample
    # Every parcel of the 碧湖 block carries the block's name; no other key says 碧湖.
    keys = parcels["name"] + parcels["block_name"] + parcels["enterprise_names"]
    expected = int(keys.str.contains("碧湖").sum())
    assert expected == int((parcels["block_name"] == "碧湖区块").sum()) > 12
    hits, total = index.search_counted("碧湖", limit=12)
    assert len(hits) == 12 and total == expected
    assert index.search_counted("zzzz", limit=12) == ([], 0)
    assert index.search_counted("  ", limit=12) == ([], 0)
    hits, total = index.search_counted("d07", limit=12)
    assert hits[0].code == "D07" and total == len(index.search("d07", limit=1000))


# --- the faster search gives exactly the former search's answers (#15) -------------------


def _queries(parcels, rng) -> list[str]:
    """Queries of every shape a clerk types, from the parcels' own keys: codes whole and in
    part, leading zeros dropped or added, block initials or pinyin before a code, names,
    firms, one and two letters, spaces inside, full-width, and nothing that matches."""
    from gis.parcels.search import pinyin_keys

    rows = parcels.to_dict("records")
    out = []
    for _ in range(150):
        row = rng.choice(rows)
        code = str(row["code"]).lower()
        block = str(row["block_name"]).removesuffix("区块")
        ini, full = pinyin_keys(block)
        firm = (row["enterprise_names"] or "无企业").split("、")[0]
        cut = rng.randrange(1, len(code) + 1)
        out += [
            code,
            code[:cut],
            code[cut - 1 :],
            f"{code[:cut]} {code[cut:]}".strip(),
            f"{ini} {code}",
            f"{ini}{code}",
            f"{full} {code[:cut]}",
            f"{ini[:1]} {code}",
            strip_zeros(code),
            code.replace("0", "00", 1),
            f"{code[:1]} {code[1:].replace('0', '', 1)}",
            firm[: rng.randrange(1, len(firm) + 1)],
            f"{pinyin_keys(firm)[1][:6]} {pinyin_keys(firm)[1][6:12]}",
            f"{block} {code}",
            "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in code),
            rng.choice("abcdefghjklmnpqrstwxyz") + rng.choice("0123456789"),
            f"zz{rng.randrange(1000)}q",
        ]
    return out


@pytest.mark.parametrize("check_keys_below", [0, 5, 1000, 10**9])
def test_search_agrees_with_the_former_search_hit_for_hit(check_keys_below, monkeypatch):
    import random

    from bench.lookup import synthetic_parcels
    from gis.parcels import search
    from tests import search_reference

    parcels = synthetic_parcels(3000, random.Random(11))
    monkeypatch.setattr(search, "CHECK_KEYS_BELOW", check_keys_below)
    new, old = search.ParcelIndex(parcels), search_reference.ParcelIndex(parcels)
    queries = _queries(parcels, random.Random(12))

    def answer(index, query):  # plain tuples: the two modules' Hit classes differ
        hits, count = index.search_counted(query, limit=30)
        return [(h.position, h.code, h.score, h.kind) for h in hits], count

    differ = [q for q in queries if answer(new, q) != answer(old, q)]
    assert differ == []
    # The queries found something often, and a few found nothing: the check compares hits.
    found = sum(1 for q in queries if old.search_counted(q, limit=1)[1])
    assert len(queries) * 0.6 < found < len(queries)
