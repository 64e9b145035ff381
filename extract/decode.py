"""Bytes of an input file -> Unicode text, or a short InputError saying why not.

Runs on every file of large corpora, so the cheap byte-level checks (empty,
magic numbers, BOMs, NUL/control bytes) come before any decoding, and only the
legacy fallback decodes more than once -- on a sample, never the whole file.
The result is not NFC-normalised; the caller does that.
"""
from __future__ import annotations

import codecs
import functools
import re
import unicodedata
from pathlib import Path

__all__ = ["InputError", "decode_bytes", "decode_legacy", "encode_legacy", "LEGACY_ENCODINGS"]

DATA_FILE = Path(__file__).with_name("data") / "legacy_vn_encodings.tsv"
LEGACY_ENCODINGS = ("tcvn3", "vni")


class InputError(ValueError):
    """The file is not usable plain text; the message names the reason."""


# --- cheap byte-level checks ------------------------------------------------

# First bytes of formats people drop into text corpora by mistake.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF file: convert it to text first (no text layer read here)"),
    (b"PK\x03\x04", "DOCX/ZIP archive: not plain text"),
    (b"PK\x05\x06", "DOCX/ZIP archive: not plain text"),
    (b"PK\x07\x08", "DOCX/ZIP archive: not plain text"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "DOC/XLS (OLE2) document: not plain text"),
    (b"{\\rtf", "RTF document: convert it to plain text first"),
    (b"\x89PNG\r\n\x1a\n", "binary file (image)"),
    (b"\xff\xd8\xff", "binary file (image)"),
    (b"GIF87a", "binary file (image)"),
    (b"GIF89a", "binary file (image)"),
    (b"II*\x00", "binary file (image)"),
    (b"MM\x00*", "binary file (image)"),
    (b"\x1f\x8b", "binary file (gzip archive)"),
    (b"7z\xbc\xaf\x27\x1c", "binary file (7z archive)"),
    (b"Rar!\x1a\x07", "binary file (RAR archive)"),
    (b"\xfd7zXZ\x00", "binary file (xz archive)"),
    (b"\x7fELF", "binary file (executable)"),
)

# Control bytes that do occur in real text files (tab, LF, CR, FF, VT from Word, DOS EOF).
_TEXT_CONTROLS = b"\t\n\r\x0c\x0b\x1a"
_BAD_CONTROLS = bytes(b for b in range(32) if b not in _TEXT_CONTROLS) + b"\x7f"
_HEAD = 8192
_MAX_CONTROL_SHARE = 0.02


def _magic_kind(data: bytes) -> str | None:
    for magic, message in _MAGIC:
        if data.startswith(magic):
            return message
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "binary file (image)"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """Vietnamese UTF-16 has a NUL high byte for every ASCII/Latin-1 char: many NULs in one parity."""
    head = data[:4096]
    even, odd = head[0::2], head[1::2]
    if not even or not odd:
        return None
    z_even, z_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if z_odd >= 0.3 and z_even <= 0.1 and z_odd > 3 * z_even:
        return "utf-16-le"
    if z_even >= 0.3 and z_odd <= 0.1 and z_even > 3 * z_odd:
        return "utf-16-be"
    return None


def _decode_utf8(data: bytes, name: str) -> tuple[str, str] | None:
    """A cut in the middle of the last character loses that character, not the file."""
    try:
        return data.decode("utf-8"), name
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.end == len(data) and len(data) - e.start <= 3:
            return data[: e.start].decode("utf-8"), f"{name} (truncated)"
        return None


def _decode_wide(data: bytes, codec: str, name: str) -> tuple[str, str]:
    unit = 4 if codec.startswith("utf-32") else 2
    cut = len(data) % unit
    if cut:
        data, name = data[:-cut], f"{name} (truncated)"
    try:
        return data.decode(codec), name
    except UnicodeDecodeError as e:
        raise InputError(f"invalid {codec.upper()} at byte {e.start}") from None


def _checked(text: str, name: str) -> tuple[str, str]:
    if not text.strip():
        raise InputError("empty file")
    if "\x00" in text:
        raise InputError("binary file (NUL characters)")
    return text, name


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name); raise InputError for input that is not usable text."""
    if not data.strip():
        raise InputError("empty file")
    kind = _magic_kind(data)
    if kind:
        raise InputError(kind)

    # BOMs (UTF-32 first: its LE BOM begins with the UTF-16 LE one).
    if data.startswith(codecs.BOM_UTF8):
        got = _decode_utf8(data[3:], "utf-8-sig")
        if got is None:
            raise InputError("invalid UTF-8 after a UTF-8 BOM")
        return _checked(*got)
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return _checked(*_decode_wide(data, "utf-32", "utf-32"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _checked(*_decode_wide(data, "utf-16", "utf-16"))

    head = data[:_HEAD]
    if b"\x00" in head:
        codec = _utf16_without_bom(data)
        if codec:
            return _checked(*_decode_wide(data, codec, codec))
    if b"\x00" in data:
        raise InputError("binary file (NUL bytes)")
    controls = len(head) - len(head.translate(None, _BAD_CONTROLS))
    if controls > _MAX_CONTROL_SHARE * len(head):
        raise InputError("binary file (control bytes)")

    got = _decode_utf8(data, "utf-8")
    if got is not None:
        return _checked(*got)
    return _checked(*_decode_8bit(data))


# --- legacy 8-bit Vietnamese encodings --------------------------------------

class _Legacy:
    """One table-driven legacy encoding: single bytes, or a base byte + a mark byte (VNI)."""

    def __init__(self, name: str, rows: list[tuple[bytes, str]]):
        self.name = name
        self.encode_map = {ch: seq for seq, ch in rows}
        # Bytes the table does not use read as Windows-1252 (quotes, dashes in Word exports).
        base = [bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256)]
        singles = {seq.decode("latin-1"): ch for seq, ch in rows if len(seq) == 1}
        pairs = {seq.decode("latin-1"): ch for seq, ch in rows if len(seq) == 2}
        if any(len(seq) > 2 for seq, _ in rows):
            raise ValueError(f"{name}: sequences longer than 2 bytes are not supported")
        self.used = {b for seq, _ in rows for b in seq if b >= 0x80}
        if not pairs:
            table = list(base)
            for s, ch in singles.items():
                table[ord(s)] = ch
            self.table, self.pattern = "".join(table), None
            return
        # Two passes: bytes -> Latin-1-ish chars, then one regex pass over pairs and singles.
        self.table = "".join(base[b] if 0x80 <= b < 0xA0 else chr(b) for b in range(256))
        firsts = {k[0] for k in pairs}
        seconds = {k[1] for k in pairs}
        if firsts & seconds:
            raise ValueError(f"{name}: a mark byte is also a base byte; greedy decoding would be ambiguous")
        self.lookup = {**singles, **pairs}
        cls = lambda chars: "[" + "".join(re.escape(c) for c in sorted(chars)) + "]"
        alts = [cls(firsts) + cls(seconds)] + ([cls(singles)] if singles else [])
        self.pattern = re.compile("|".join(alts))

    def _sub(self, m: re.Match) -> str:
        s = m.group(0)
        got = self.lookup.get(s)
        if got is not None:
            return got
        return "".join(self.lookup.get(c, c) for c in s)

    def decode(self, data: bytes) -> str:
        text = codecs.charmap_decode(data, "strict", self.table)[0]
        if self.pattern is not None:
            text = self.pattern.sub(self._sub, text)
        return text

    def encode(self, text: str, errors: str = "strict") -> bytes:
        out = bytearray()
        text = unicodedata.normalize("NFC", text)
        for i, ch in enumerate(text):
            seq = self.encode_map.get(ch)
            if seq is None and ch.isascii():
                seq = ch.encode("ascii")
            if seq is None and not ch.isalpha():
                b = ch.encode("cp1252", errors="ignore")
                if b and b[0] not in self.used:
                    seq = b
            if seq is None and errors in ("fold", "replace"):
                seq = self.encode_map.get(ch.lower())
            if seq is None:
                if errors == "replace":
                    seq = b"?"
                else:
                    raise UnicodeEncodeError(self.name, text, i, i + 1, "not in the encoding's repertoire")
            out += seq
        return bytes(out)


@functools.cache
def _legacy() -> dict[str, _Legacy]:
    rows: dict[str, list[tuple[bytes, str]]] = {}
    for n, line in enumerate(DATA_FILE.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        enc, hexbytes, ch = cols[0], cols[1], unicodedata.normalize("NFC", cols[2])
        if len(ch) != 1 or (len(cols) > 3 and cols[3] and cols[3] != f"U+{ord(ch):04X}"):
            raise ValueError(f"{DATA_FILE.name}:{n}: bad row {line!r}")
        rows.setdefault(enc, []).append((bytes.fromhex(hexbytes), ch))
    return {enc: _Legacy(enc, r) for enc, r in rows.items()}


def decode_legacy(data: bytes, encoding: str) -> str:
    """Decode with a named legacy encoding ("tcvn3" or "vni"), no detection."""
    text = _legacy()[encoding].decode(data)
    return _restore_capitals(text) if encoding == "tcvn3" else text


_CAPS_LINE = re.compile(r"[^\n]+")


def _restore_capitals(text: str) -> str:
    """TCVN3 has no toned capitals: headings set in .VnTimeH come back as 'Kế HOạCH'. A line that is
    otherwise in capitals is a capitals line, so its lower-case letters are capitals too."""
    def fix(m: re.Match) -> str:
        line = m.group(0)
        letters = [c for c in line if c.isalpha()]
        plain_upper = sum(1 for c in letters if c.isupper() or c in _TONED_LOWER)
        if len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) >= 0.6 \
                and plain_upper == len(letters):
            return line.upper()
        return line
    return _CAPS_LINE.sub(fix, text)


_TONED_LOWER = frozenset("àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ")


def encode_legacy(text: str, encoding: str, errors: str = "strict") -> bytes:
    """Inverse of decode_legacy, from the same table (tests, benchmark generator).

    errors: "strict" raises UnicodeEncodeError for characters outside the repertoire;
    "fold" writes capitals the encoding lacks (TCVN3 toned capitals) with their
    lowercase code, as the .VnTimeH fonts expected; "replace" folds, then uses "?".
    """
    if errors not in ("strict", "fold", "replace"):
        raise ValueError(f"unknown errors mode {errors!r}")
    return _legacy()[encoding].encode(text, errors)


# --- choosing between cp1258, TCVN3 and VNI ---------------------------------

_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_VOWELS = "aăâeêioôơuưy"


def _tone_tables() -> tuple[dict[int, str], frozenset[str]]:
    strip, toned = {}, set()
    for v in _VOWELS:
        for mark in _TONES:
            ch = unicodedata.normalize("NFC", v + mark)
            strip[ord(ch)] = v
            toned.add(ch)
    return strip, frozenset(toned)


_TONE_STRIP, _TONED = _tone_tables()
_NUCLEI = (
    "iêu yêu uyê uya uyu ươi ươu oai oao oay oeo uây uôi "
    "ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi oo ua uâ uê ui uô uơ uy ưa ưi ươ ưu yê "
    "a ă â e ê i o ô ơ u ư y"
).split()
_SYLLABLE = re.compile(
    "(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|[bcdđghklmnprstvx])?"
    "(?:" + "|".join(_NUCLEI) + ")"
    "(?:ch|ng|nh|[cmnpt])?"
)
# Split only on ASCII and Windows-1252 (0x80-0x9F) punctuation, which is punctuation in every
# candidate; Latin-1 signs (« § ¸) are letters in TCVN3 and must stay inside words.
_WORD = re.compile(r"[^\s\d\-/.,;:!?()\[\]{}\"'“”‘’…–—•*+=<>|_#%&@]+")
_COMMON = frozenset(
    "của và các được thực hiện năm ngày theo số những người trong việt nam về điều có này "
    "cho với không tại đến định nghị quyết để một là đã khoản chính phủ hành luật tháng "
    "nhân dân quốc hội bộ trưởng ủy".split()
)
_SAMPLE = 32768
_MAX_TOKENS = 3000
_MIN_SHARE = 0.6


def _is_syllable(word: str) -> bool:
    if sum(c in _TONED for c in word) > 1:
        return False
    return _SYLLABLE.fullmatch(word.translate(_TONE_STRIP)) is not None


def _score(text: str) -> tuple[float, int, int]:
    """(share of non-ASCII words that are Vietnamese syllables, common words, words judged).

    ASCII-only words read the same in every candidate, so only the others are judged.
    """
    valid = judged = common = 0
    for m in _WORD.finditer(unicodedata.normalize("NFC", text)):
        word = m.group(0).lower()
        if word in _COMMON:
            common += 1
        if word.isascii():
            continue
        judged += 1
        valid += _is_syllable(word)
        if judged >= _MAX_TOKENS:
            break
    return (valid / judged if judged else 0.0), common, judged


def _candidates():
    yield "cp1258", lambda d: d.decode("cp1258")
    for name in LEGACY_ENCODINGS:
        yield name, functools.partial(decode_legacy, encoding=name)


def _decode_8bit(data: bytes) -> tuple[str, str]:
    sample = data[:_SAMPLE]
    scored = []
    for rank, (name, decode) in enumerate(_candidates()):
        try:
            share, common, judged = _score(decode(sample))
        except UnicodeDecodeError:
            continue
        scored.append(((share, common, -rank), judged, name, decode))
    if not scored:
        raise InputError("unknown text encoding (not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI)")
    if all(judged == 0 for _, judged, _, _ in scored):
        # High bytes only in punctuation: every candidate reads them as Windows-1252 does.
        key, _, name, decode = min(scored, key=lambda s: -s[0][2])
    else:
        key, _, name, decode = max(scored, key=lambda s: s[0])
        if key[0] < _MIN_SHARE:
            raise InputError("unknown text encoding (not UTF-8, UTF-16, Windows-1258, TCVN3 or VNI)")
    try:
        return decode(data), name
    except UnicodeDecodeError as e:
        raise InputError(f"invalid {name} byte at {e.start}") from None
