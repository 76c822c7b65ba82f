"""Text encodings of uploaded files: DBF attributes, 界址点 TXT, CSV and DXF (domain.md §4.4).

Chinese desktop GIS writes shapefile attributes in GBK, often without a ``.cpg``; GDAL then
reads them as Latin-1 (``名称`` → ``Ãû³Æ``). The rule, for DBF files:

1. a ``.cpg`` sidecar is trusted;
2. otherwise a non-zero language-driver byte (LDID, offset 29) is trusted;
3. otherwise the text bytes are tried as strict UTF-8;
4. on failure — or if the decoded text looks like mojibake — GB18030 (a superset of GBK).

Plain text files follow 3–4 after a byte-order mark check. The user can always override
the choice; the preview shows the decoded text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from gis._errors import ValidationError

#: Encodings the UI offers, by the name GDAL/iconv and Python both understand.
ENCODINGS: tuple[str, ...] = ("UTF-8", "GB18030", "GBK", "BIG5", "CP1252")

#: DBF language-driver IDs (offset 29) we map to an encoding; 0 means "not stated".
LDID_ENCODINGS: dict[int, str] = {
    0x01: "CP437",
    0x02: "CP850",
    0x03: "CP1252",
    0x4D: "GBK",  # 936, Chinese PRC (ArcGIS on Chinese Windows)
    0x4F: "BIG5",  # 950
    0x57: "CP1252",  # ANSI
    0x7A: "GBK",  # 936 in some tables
}

_CPG_ALIASES = {
    "936": "GBK",
    "CP936": "GBK",
    "GBK": "GBK",
    "GB2312": "GBK",
    "GB18030": "GB18030",
    "UTF8": "UTF-8",
    "UTF-8": "UTF-8",
    "65001": "UTF-8",
    "950": "BIG5",
    "BIG5": "BIG5",
    "1252": "CP1252",
    "CP1252": "CP1252",
    "ANSI 1252": "CP1252",
    "ISO-8859-1": "CP1252",
    "LATIN1": "CP1252",
    "88591": "CP1252",
}

#: Two or more Latin-1 letters in a row: how GBK read as Latin-1 usually looks.
_MOJIBAKE = re.compile(r"[\u00c0-\u00ff\u00a1-\u00bf]{2,}")
_SAMPLE_RECORDS = 5000


@dataclass(frozen=True)
class EncodingGuess:
    """The encoding chosen and why: ``source`` is one of ``cpg``, ``ldid``, ``bom``,
    ``utf8``, ``gb18030``, ``mojibake``, ``declared`` or ``user``."""

    encoding: str
    source: str
    detail: str = ""


def normalize(name: str) -> str:
    """An encoding name as offered in :data:`ENCODINGS` (``ValidationError`` if unknown)."""
    cleaned = name.strip().upper().replace("_", "-")
    alias = _CPG_ALIASES.get(cleaned) or _CPG_ALIASES.get(cleaned.replace("-", ""))
    if alias:
        return alias
    try:
        return codecs.lookup(cleaned).name.upper()
    except LookupError:
        raise ValidationError("exchange_encoding_unknown", encoding=name[:40]) from None


def looks_mojibake(text: str) -> bool:
    """True when ``text`` has runs of Latin-1 letters typical of GBK read as Latin-1."""
    runs = _MOJIBAKE.findall(text)
    return sum(len(r) for r in runs) >= 4


def guess_text_encoding(data: bytes) -> EncodingGuess:
    """BOM, then strict UTF-8, then GB18030 (with a mojibake check on the UTF-8 result)."""
    if data.startswith(codecs.BOM_UTF8):
        return EncodingGuess("UTF-8", "bom")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return EncodingGuess("UTF-16", "bom")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return EncodingGuess("GB18030", "gb18030")
    if looks_mojibake(text):
        # GBK that was once read as Latin-1 and saved again as UTF-8.
        return EncodingGuess("UTF-8", "mojibake", detail=_MOJIBAKE.search(text).group(0))
    if _prefers_gb18030(text, data):
        # Short GBK runs can be valid UTF-8 by chance ("一一" is D2BB D2BB = "һһ").
        return EncodingGuess("GB18030", "gb18030")
    return EncodingGuess("UTF-8", "utf8")


_PLAIN_NON_ASCII = set("°²³×·µ±÷§¥£€éèàüöäçñ")


def _cjk_count(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf")


def _prefers_gb18030(text: str, data: bytes) -> bool:
    """UTF-8 that decodes, but to odd two-byte letters (Cyrillic, Armenian …), while
    GB18030 gives more Chinese characters: it was GBK."""
    odd = any("\u0080" <= ch <= "\u07ff" and ch not in _PLAIN_NON_ASCII for ch in text)
    if not odd:
        return False
    try:
        other = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return _cjk_count(other) > _cjk_count(text)


def decode(data: bytes, encoding: str) -> str:
    """``data`` decoded with ``encoding``; ``ValidationError`` naming the byte if it fails."""
    codec = "utf-8-sig" if normalize(encoding) == "UTF-8" else normalize(encoding)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ValidationError(
            "exchange_decode_failed", encoding=encoding, position=exc.start
        ) from exc
    except LookupError:
        raise ValidationError("exchange_encoding_unknown", encoding=encoding) from None


def cpg_encoding(text: str) -> str | None:
    """The encoding a ``.cpg`` sidecar names (None if it is empty or unknown)."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    if not first:
        return None
    try:
        return normalize(first)
    except ValidationError:
        return None


def guess_dbf_encoding(dbf: bytes, *, cpg: str | None = None) -> EncodingGuess:
    """The encoding of a ``.dbf`` file's text, by the §4.4 rule (``cpg`` is its sidecar)."""
    if cpg is not None:
        named = cpg_encoding(cpg)
        if named:
            return EncodingGuess(named, "cpg", detail=cpg.strip()[:20])
    if len(dbf) < 32:
        raise ValidationError("exchange_dbf_malformed", reason="header")
    ldid = dbf[29]
    if ldid and ldid in LDID_ENCODINGS:
        return EncodingGuess(LDID_ENCODINGS[ldid], "ldid", detail=f"0x{ldid:02X}")
    guess = guess_text_encoding(dbf_text_bytes(dbf))
    return guess if guess.encoding != "UTF-16" else EncodingGuess("UTF-8", "utf8")


def dbf_text_bytes(dbf: bytes, *, max_records: int = _SAMPLE_RECORDS) -> bytes:
    """The field names and character-field bytes of a DBF file (a sample of records).

    Only these carry text; numbers, dates and the header's binary fields would otherwise
    confuse the UTF-8 test.
    """
    try:
        records = int.from_bytes(dbf[4:8], "little")
        header_len = int.from_bytes(dbf[8:10], "little")
        record_len = int.from_bytes(dbf[10:12], "little")
        fields: list[tuple[str, int]] = []
        chunks: list[bytes] = []
        pos = 32
        while pos + 32 <= len(dbf) and dbf[pos] != 0x0D:
            chunks.append(dbf[pos : pos + 11].split(b"\x00")[0])
            fields.append((chr(dbf[pos + 11]), dbf[pos + 16]))
            pos += 32
        if not fields or record_len <= 0 or header_len > len(dbf):
            raise ValueError("no fields")
        for i in range(min(records, max_records)):
            start = header_len + i * record_len + 1  # skip the deletion flag
            if start + record_len - 1 > len(dbf):
                break
            offset = start
            for kind, length in fields:
                if kind == "C":
                    chunks.append(dbf[offset : offset + length].rstrip(b" \x00"))
                offset += length
    except (ValueError, IndexError) as exc:
        raise ValidationError("exchange_dbf_malformed", reason=str(exc)[:80]) from exc
    return b"\n".join(chunks)
