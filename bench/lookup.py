"""Parcel search latency over 50,000 synthetic parcels (``gis.parcels.search.ParcelIndex``).

A district's industrial land is tens of thousands of parcels; the clerk's search box runs
on every keystroke-Enter, so a query must answer well inside a frame budget. The index is
built once (as the app does per data version), then ≥ 200 queries of mixed kinds are
timed: exact codes, code prefixes, Chinese block and enterprise names, pinyin initials
(``bh d07``), full pinyin, full-width input, and queries that match nothing.
Run: ``cd /work/main && .venv/bin/python bench/lookup.py``. The last line is
machine-readable: ``n=50000 p95_ms=X`` (target X < 50).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from random import Random

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pandas as pd

from gis.parcels.search import ParcelIndex

N = 50_000
QUERIES_PER_KIND = 30
SEED = 3
TARGET_P95_MS = 50.0

BLOCKS = [
    "万洋区块",
    "碧湖区块",
    "南山区块",
    "长川区块",
    "朗奇区块",
    "水阁区块",
    "七里区块",
    "富岭区块",
]
INITIALS = {
    b: "".join(
        p[0]
        for p in (
            "wan yang",
            "bi hu",
            "nan shan",
            "chang chuan",
            "lang qi",
            "shui ge",
            "qi li",
            "fu ling",
        )[i].split()
    )
    for i, b in enumerate(BLOCKS)
}
PLACES = ["丽水", "莲都", "浙江", "碧湖", "处州", "瓯江", "括苍", "南明"]
WORDS = [
    "华信",
    "达源",
    "力远",
    "新源",
    "正远",
    "宏瑞",
    "精宏",
    "创嘉",
    "博泰",
    "瑞力",
    "诚远",
    "立瑞",
]
TRADES = [
    "电机",
    "五金",
    "仪表",
    "泵业",
    "阀门",
    "电气",
    "橡塑制品",
    "保健食品",
    "金属制品",
    "电子",
]
BLOCK_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def synthetic_parcels(n: int, rng: Random) -> pd.DataFrame:
    """``n`` parcels shaped like the store's: codes like D07 / 12B / 3号, names, firms."""
    rows = []
    for i in range(n):
        block = BLOCKS[i % len(BLOCKS)]
        letter = BLOCK_LETTERS[(i // 1000) % len(BLOCK_LETTERS)]
        code = f"{letter}{i:05d}" if i % 7 else f"{i}号"
        firms = [
            f"{rng.choice(PLACES)}{rng.choice(WORDS)}{rng.choice(TRADES)}有限公司"
            for _ in range(rng.choice((0, 0, 1, 1, 2)))
        ]
        rows.append(
            {
                "code": code,
                "name": f"{block}{code}地块",
                "block_name": block,
                "block_id": f"B{i % len(BLOCKS)}",
                "enterprise_names": "、".join(firms),
                "buyer": firms[0] if firms else None,
            }
        )
    return pd.DataFrame(rows)


def queries(parcels: pd.DataFrame, rng: Random) -> list[tuple[str, str]]:
    codes = list(parcels["code"])
    firms = [f for f in parcels["enterprise_names"] if f]
    kinds: dict[str, list[str]] = {
        "code": [rng.choice(codes) for _ in range(QUERIES_PER_KIND)],
        "code prefix": [rng.choice(codes)[:4] for _ in range(QUERIES_PER_KIND)],
        "block + code": [
            f"{INITIALS[parcels['block_name'].iat[i]]} {codes[i].lower()}"
            for i in (rng.randrange(len(codes)) for _ in range(QUERIES_PER_KIND))
        ],
        "enterprise": [rng.choice(firms).split("、")[0][2:6] for _ in range(QUERIES_PER_KIND)],
        "full pinyin": [
            rng.choice(["chengyuan", "huaxin dianji", "bihu", "ruili", "lishui wujin"])
            for _ in range(QUERIES_PER_KIND)
        ],
        "initials": [
            rng.choice(["cydj", "hxyb", "bhqk", "lswj", "zjbt"]) for _ in range(QUERIES_PER_KIND)
        ],
        "full-width": [
            "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in rng.choice(codes))
            for _ in range(QUERIES_PER_KIND)
        ],
        "no match": [f"zz{rng.randint(0, 999)}q" for _ in range(QUERIES_PER_KIND)],
    }
    return [(kind, q) for kind, qs in kinds.items() for q in qs]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def main() -> None:
    rng = Random(SEED)
    parcels = synthetic_parcels(N, rng)
    t0 = time.perf_counter()
    index = ParcelIndex(parcels)
    build_s = time.perf_counter() - t0
    mixed = queries(parcels, rng)
    rng.shuffle(mixed)
    index.search("warm up")
    timings: dict[str, list[float]] = {}
    hits: dict[str, list[int]] = {}
    for kind, q in mixed:
        t0 = time.perf_counter()
        found = index.search(q)
        ms = (time.perf_counter() - t0) * 1000
        timings.setdefault(kind, []).append(ms)
        hits.setdefault(kind, []).append(len(found))
    every = [ms for values in timings.values() for ms in values]
    print(f"parcels: {N:,}  index build: {build_s:.2f} s  queries: {len(every)}")
    print(f"{'kind':<14} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'hits':>6}")
    for kind, values in timings.items():
        print(
            f"{kind:<14} {len(values):>4} {statistics.median(values):>10.2f}"
            f" {percentile(values, 95):>8.2f} {max(values):>8.2f}"
            f" {statistics.mean(hits[kind]):>6.1f}"
        )
    p95 = percentile(every, 95)
    print(
        f"{'all':<14} {len(every):>4} {statistics.median(every):>10.2f} {p95:>8.2f}"
        f" {max(every):>8.2f}   target p95 < {TARGET_P95_MS:.0f} ms"
    )
    print(f"n={N} p95_ms={p95:.2f}")


if __name__ == "__main__":
    main()
