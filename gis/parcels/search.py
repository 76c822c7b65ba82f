"""Parcel search: by code, name, block and enterprise, with pinyin, for the clerk's lookup.

A query is normalised like the data (NFKC, so full-width ``Ｄ０７`` is ``d07``; lower case;
spaces removed inside a token) and split on spaces into tokens. A parcel matches when
every token is found in one of its keys — code, parcel name, block name and id,
enterprise names, winning bidder — or in their pinyin initials (``bh`` for 碧湖) or full
pinyin (``chengyuan`` for 诚远). The query with its spaces removed is also tried as one
token, so ``d 07`` and ``bhd07`` work too. Numbers in codes match whatever their leading
zeros (:func:`strip_zeros`): ``d7`` finds D07 and ``1a`` finds 01A, as clerks say them.

The index keeps one long string per kind of key (keys joined by a separator) and finds
tokens with :func:`str.find`-speed regular expressions, so a query over tens of thousands
of parcels takes milliseconds (``bench/lookup.py``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from pypinyin import Style, lazy_pinyin

#: Weight of a token found in each kind of key; a match at the start of a key counts
#: :data:`PREFIX_BONUS` times, an exact parcel code :data:`EXACT_CODE_SCORE`.
KIND_WEIGHTS: dict[str, float] = {
    "code": 60.0,
    "enterprise": 40.0,
    "name": 30.0,
    "block": 20.0,
    "initials": 25.0,
    "pinyin": 25.0,
}
PREFIX_BONUS = 1.5
EXACT_CODE_SCORE = 200.0
#: A code equal to the query once leading zeros are dropped (``d7`` for D07): just below an
#: exact code, so a parcel D7 comes before D07 for ``d7``.
EXACT_NUMBER_SCORE = 190.0
#: Tokens shorter than this are matched only at the start of a key (``a`` would
#: otherwise hit almost every pinyin string).
MIN_SUBSTRING_LEN = 2
DEFAULT_LIMIT = 20
#: Once the tokens read so far leave at most this many parcels, the next token is looked
#: for in those parcels' own keys instead of in every key (a block's initials plus a code:
#: the code leaves a handful of parcels, and the initials need not scan 100,000 keys).
CHECK_KEYS_BELOW = 500
_SEP = "\x00"
_BLOCK_SUFFIXES = ("区块", "园区", "片区")


def normalise(text: object) -> str:
    """NFKC, lower case, whitespace removed: the form both keys and tokens are compared in."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return ""
    return "".join(unicodedata.normalize("NFKC", str(text)).lower().split())


_LEADING_ZEROS = re.compile(r"(?<![0-9])0+(?=[0-9])")


def strip_zeros(text: str) -> str:
    """``text`` with the leading zeros of each run of digits dropped (``d07`` → ``d7``).

    >>> strip_zeros("d07"), strip_zeros("01a"), strip_zeros("d100"), strip_zeros("d0")
    ('d7', '1a', 'd100', 'd0')
    """
    return _LEADING_ZEROS.sub("", text)


def tokens(query: str) -> list[str]:
    """The query's space-separated tokens, normalised (full-width spaces split too)."""
    return [t for t in (normalise(p) for p in unicodedata.normalize("NFKC", query).split()) if t]


@lru_cache(maxsize=65536)
def pinyin_keys(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of ``text``, normalised; non-Chinese runs are kept as they are.

    >>> pinyin_keys("碧湖区块D07")
    ('bhqkd07', 'bihuqukuaid07')
    """
    initials = normalise("".join(lazy_pinyin(text, style=Style.FIRST_LETTER)))
    full = normalise("".join(lazy_pinyin(text)))
    return initials, full


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@dataclass(frozen=True)
class Hit:
    """One search result: the parcel's row position in the indexed frame, its code and score."""

    position: int
    code: str
    score: float
    kind: str  # the kind of key the best token matched: code, name, block, enterprise, ...


class _Haystack:
    """The distinct keys of one kind, joined into one string, and the records owning each.

    Keys shared by many records (a block's name, its pinyin) are stored once, so the
    string to scan stays small.
    """

    def __init__(self, keys: list[str], owners: list[int], n_records: int) -> None:
        by_key: dict[str, list[int]] = {}
        for key, owner in zip(keys, owners, strict=True):
            by_key.setdefault(key, []).append(owner)
        distinct = list(by_key)
        self.keys = distinct
        self.text = "".join(k + _SEP for k in distinct)
        self.prefixed = _SEP + self.text  # so a key start is always "\x00" + key
        # A token with a character no key has cannot match: a Chinese word skips the
        # pinyin keys, a pinyin word the Chinese names, without scanning them.
        self.chars = frozenset(self.text)
        lengths = np.fromiter((len(k) + 1 for k in distinct), dtype=np.int64, count=len(distinct))
        self.starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        counts = np.fromiter((len(v) for v in by_key.values()), np.int64, count=len(distinct))
        self.ptr = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        self.owners = np.fromiter(
            (o for v in by_key.values() for o in v), np.int64, count=int(self.ptr[-1])
        )
        # The other way round: each record's keys (record r's are key_of[rec_ptr[r]:...]).
        by_record = np.argsort(self.owners, kind="stable")
        self.key_of = np.repeat(np.arange(len(distinct), dtype=np.int64), counts)[by_record]
        self.rec_ptr = np.searchsorted(self.owners[by_record], np.arange(n_records + 1))

    def find_among(
        self, token: str, records: np.ndarray, *, whole_number: bool = False
    ) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`find` for the keys of ``records`` only: the same owners and prefix flags
        as :meth:`find` gives for those records. Their keys are joined into a small text
        of their own and searched the same way."""
        if not self.chars.issuperset(token):
            return np.empty(0, np.int64), np.empty(0, bool)
        counts = self.rec_ptr[records + 1] - self.rec_ptr[records]
        first = np.repeat(self.rec_ptr[records] - np.cumsum(counts) + counts, counts)
        keys = self.key_of[first + np.arange(int(counts.sum()))]
        owners = np.repeat(records, counts)
        texts = list(map(self.keys.__getitem__, keys.tolist()))
        lengths = np.fromiter(map(len, texts), np.int64, count=len(texts)) + 1
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        entries, prefix = _key_hits(_SEP.join(texts) + _SEP, starts, token, whole_number)
        return owners[entries], prefix

    def find(self, token: str, *, whole_number: bool = False) -> tuple[np.ndarray, np.ndarray]:
        """(owners, is_prefix) of every key containing ``token``.

        With ``whole_number``, a token ending in a digit matches only where the key's
        number ends too (``d7`` finds ``d7`` and ``d7a``, not ``d70``).
        """
        if not self.chars.issuperset(token):
            return np.empty(0, np.int64), np.empty(0, bool)
        key, prefix = _key_hits(self.text, self.starts, token, whole_number, self.prefixed)
        counts = self.ptr[key + 1] - self.ptr[key]
        # The owners of each matched key, laid end to end.
        offsets = np.repeat(self.ptr[key] - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        owners = self.owners[offsets + np.arange(int(counts.sum()))]
        return owners, np.repeat(prefix, counts)


def _key_hits(
    text: str, starts: np.ndarray, token: str, whole_number: bool, prefixed: str | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """(indexes, is_prefix) of the keys of ``text`` (keys each ended by the separator,
    starting at ``starts``) that contain ``token``, each key once. ``prefixed``: the text
    with a separator before it, if the caller keeps one."""
    if not len(starts):
        return np.empty(0, np.int64), np.empty(0, bool)
    # Prefix only for a short token: search "\x00token" in the prefixed text; position p
    # there is the key start p in text.
    short = len(token) < MIN_SUBSTRING_LEN
    if short:
        needle, text = _SEP + token, prefixed if prefixed is not None else _SEP + text
    else:
        needle = token
    if whole_number and token[-1:].isdigit():
        pattern = re.compile(re.escape(needle) + "(?![0-9])")
        pos = np.fromiter((m.start() for m in pattern.finditer(text)), np.int64)
    else:
        # Where the matches are, from the lengths of the pieces between them: str.split
        # runs in C, and a two-letter token may match 10,000 keys of a district.
        pieces = np.fromiter(map(len, text.split(needle)), np.int64)[:-1]
        pos = np.cumsum(pieces) + np.arange(len(pieces), dtype=np.int64) * len(needle)
    if not len(pos):
        return np.empty(0, np.int64), np.empty(0, bool)
    key = np.searchsorted(starts, pos, side="right") - 1
    prefix = starts[key] == pos
    # A key may hold the token twice: keep one hit per key, prefix if either is.
    key, first = np.unique(key, return_index=True)
    prefix = np.logical_or.reduceat(prefix, first) if len(first) else prefix
    return key, prefix


class ParcelIndex:
    """A search index over parcels; build it once per data version, query it many times.

    ``parcels`` needs ``code`` and ``name``; ``block_name``, ``block_id``,
    ``enterprise_names`` (joined by '、') and ``buyer`` are used when present (see
    :func:`gis.parcels.tables.enrich_parcels`).
    """

    def __init__(self, parcels: pd.DataFrame) -> None:
        self.codes: list[str] = [str(c) for c in parcels["code"]]
        self._by_code = {normalise(c): i for i, c in enumerate(self.codes)}
        self._by_number: dict[str, list[int]] = {}
        for i, c in enumerate(self.codes):
            self._by_number.setdefault(strip_zeros(normalise(c)), []).append(i)
        keys: dict[str, tuple[list[str], list[int]]] = {k: ([], []) for k in KIND_WEIGHTS}
        numbers: tuple[list[str], list[int]] = ([], [])  # codes without leading zeros

        def add(kind: str, text: str, owner: int) -> None:
            if text:
                keys[kind][0].append(text)
                keys[kind][1].append(owner)

        def column(name: str) -> Iterable[object]:
            return parcels[name] if name in parcels.columns else [None] * len(parcels)

        rows = zip(
            self.codes,
            column("name"),
            column("block_name"),
            column("block_id"),
            column("enterprise_names"),
            column("buyer"),
            strict=True,
        )
        for i, (code, name, block_name, block_id, firms, buyer) in enumerate(rows):
            ncode = normalise(code)
            add("code", ncode, i)
            bare = strip_zeros(ncode)
            if bare != ncode:
                numbers[0].append(bare)
                numbers[1].append(i)
            add("name", normalise(name), i)
            add("block", normalise(block_id), i)
            names = [str(name or "")]
            if block_name is not None and normalise(block_name):
                add("block", normalise(block_name), i)
                names.append(str(block_name))
                short = str(block_name)
                for suffix in _BLOCK_SUFFIXES:
                    short = short.removesuffix(suffix)
                # "bhd07", "bihud07": block then code, as clerks say it.
                ini, full = pinyin_keys(short)
                add("initials", ini + ncode, i)
                add("pinyin", full + ncode, i)
                if bare != ncode:  # "bhd7" as well as "bhd07"
                    add("initials", ini + bare, i)
                    add("pinyin", full + bare, i)
            firm_names = {f for f in str(firms or "").split("、") if f.strip()}
            if buyer is not None and normalise(buyer):
                firm_names.add(str(buyer))
            for firm in sorted(firm_names):
                add("enterprise", normalise(firm), i)
                names.append(firm)
            for text in names:
                if _has_han(text):
                    ini, full = pinyin_keys(text)
                    add("initials", ini, i)
                    add("pinyin", full, i)
        n = len(self.codes)
        self._code_rank = np.empty(n, dtype=np.int64)
        self._code_rank[sorted(range(n), key=self.codes.__getitem__)] = np.arange(n)
        self._stacks = {kind: _Haystack(*keys[kind], n) for kind in KIND_WEIGHTS}
        self._numbers = _Haystack(*numbers, n)

    def __len__(self) -> int:
        return len(self.codes)

    def _token_scores(
        self, token: str, among: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per record: the best score of ``token`` (0: no match) and the kind index.

        With ``among``, only those records' keys are looked at (other records may score
        0 where a full search would not); the short list of codes without leading zeros
        and the exact code lookups are searched whole either way (they are cheap)."""
        n = len(self.codes)
        best = np.zeros(n)
        kinds = np.full(n, -1, dtype=np.int64)
        bare = strip_zeros(token)
        searches = [(kind, stack, token, False) for kind, stack in self._stacks.items()]
        if any(ch.isdigit() for ch in token):
            # Codes by their numbers: "d7" and "d007" find D07 (not D70).
            searches.append(("code", self._numbers, bare, True))
        code_kind = list(KIND_WEIGHTS).index("code")
        for kind, stack, text, whole in searches:
            if among is None or stack is self._numbers:
                owners, prefix = stack.find(text, whole_number=whole)
            else:
                owners, prefix = stack.find_among(text, among, whole_number=whole)
            if not len(owners):
                continue
            k = list(KIND_WEIGHTS).index(kind)
            # A record's best hit of this kind: the plain weight, raised where any of its
            # keys starts with the token (assignment, not np.maximum.at: ~10× faster).
            scores = np.zeros(n)
            scores[owners[~prefix]] = KIND_WEIGHTS[kind]
            scores[owners[prefix]] = KIND_WEIGHTS[kind] * PREFIX_BONUS
            better = scores > best
            best[better] = scores[better]
            kinds[better] = k
        same_number = self._by_number.get(bare, [])
        best[same_number] = np.maximum(best[same_number], EXACT_NUMBER_SCORE)
        kinds[same_number] = code_kind
        exact = self._by_code.get(token)
        if exact is not None:
            best[exact] = EXACT_CODE_SCORE
            kinds[exact] = code_kind
        return best, kinds

    def _match_all(
        self, parts: list[str], among: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Summed scores of records matching every token (0 elsewhere), kind of the first.

        The longest token is looked for first (usually the one that leaves fewest
        records); once few are left, the others are checked on those records' keys
        (:data:`CHECK_KEYS_BELOW`). ``among``: records to look in from the start."""
        total: np.ndarray | None = None
        kinds = np.full(len(self.codes), -1, dtype=np.int64)
        for i in sorted(range(len(parts)), key=lambda i: -len(parts[i])):
            if total is not None:
                left = np.flatnonzero(total)
                if not len(left):
                    break
                among = left if len(left) <= CHECK_KEYS_BELOW else among
            scores, token_kinds = self._token_scores(parts[i], among)
            if i == 0:
                kinds = token_kinds
            total = (
                scores
                if total is None
                else np.where((total > 0) & (scores > 0), total + scores, 0.0)
            )
        return total, kinds

    def search(self, query: str, *, limit: int = DEFAULT_LIMIT) -> list[Hit]:
        """The best ``limit`` parcels for ``query``, best first (ties by code)."""
        return self.search_counted(query, limit=limit)[0]

    def search_counted(self, query: str, *, limit: int = DEFAULT_LIMIT) -> tuple[list[Hit], int]:
        """(the best ``limit`` hits, how many parcels match in all) for ``query``."""
        parts = tokens(query)
        if not parts:
            return [], 0
        scores, kinds = self._match_all(parts)
        if len(parts) > 1:  # "d 07", "cheng yuan": also try the query as one token
            # A key holding the whole query holds each of its tokens when none is shorter
            # than MIN_SUBSTRING_LEN: then only the records found already can match it.
            matched = np.flatnonzero(scores)
            fits = min(map(len, parts)) >= MIN_SUBSTRING_LEN and len(matched) <= CHECK_KEYS_BELOW
            joined, joined_kinds = self._match_all(["".join(parts)], matched if fits else None)
            better = joined > scores
            scores = np.where(better, joined, scores)
            kinds = np.where(better, joined_kinds, kinds)
        found = np.flatnonzero(scores > 0)
        # Best first, ties by code: only the matches scoring at least the limit-th best
        # are sorted (a short query may match thousands).
        if len(found) > limit:
            floor = -np.partition(-scores[found], limit - 1)[limit - 1]
            found_top = found[scores[found] >= floor]
        else:
            found_top = found
        # Sorted by score, then by code (the codes' ranks, ties by position as a stable
        # sort keeps them): thousands of equal scores ("bihu": a block's every parcel) cost
        # one numpy sort, not a Python key call each.
        ranked = found_top[np.lexsort((self._code_rank[found_top], -scores[found_top]))]
        ranked = ranked[:limit].tolist()
        names = list(KIND_WEIGHTS)
        hits = [Hit(i, self.codes[i], float(scores[i]), names[int(kinds[i])]) for i in ranked]
        return hits, len(found)
