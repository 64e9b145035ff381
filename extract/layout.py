"""Page furniture of extracted text: page numbers, page-bottom footnote blocks, saved-page boilerplate.
Each is masked (blanked) in the body view, never deleted, so offsets stay true."""
from __future__ import annotations

import bisect
import re

from .text import Text

# A PDF footnote separator comes out as a long run of spaces or underscores on a line of its own.
_SEPARATOR = re.compile(r"^[ \t_\u00a0]{20,}$|^_{5,}[ \t]*$", re.M)
# A new PDF page starts with a line indented by exactly one space ( " tác đầu tư ...").
_PAGE_START = re.compile(r"^ (?=[^\s])", re.M)
_NONBLANK = re.compile(r"\S")
_GAP = re.compile(r"\n[ \t]*\n[ \t]*\n[ \t]*\n")
_PAGE_NUMBER = re.compile(r"^[ \t]*\d{1,3}[ \t]*$", re.M)
# Lines of saved legal-portal pages that belong to the page, not the document (one pattern, one scan).
_BOILERPLATE = [re.compile(
    r"^[ \t]*(?:Open navigation|Send feedback|Lưu|In|Chia sẻ|Đăng nhập|Đăng ký|Theo dõi văn bản)[ \t]*$"
    r"|^[ \t]*(?:Tải về văn bản|Câu trả lời này có giúp ích|Rất tiếc là chúng tôi không giúp được)[^\n]*$",
    re.M | re.I)]
_WEB_TITLE = re.compile(
    r"\A\s*(?:Open navigation\s*)?(?P<t>(?:Công văn|Kế hoạch|Quyết định|Nghị quyết|Chỉ thị|Thông tư|Nghị định|Văn bản)"
    r" [^\n\d]{0,300}\d[^\n]{0,300})\n", re.I)


def mask_furniture(t: Text) -> tuple[int, int] | None:
    """Mask boilerplate and page numbers; return the span of a saved page's title line, if any."""
    text = t.text
    for pat in _BOILERPLATE:
        for m in pat.finditer(text):
            t.mask(m.start(), m.end(), "boilerplate")
    for m in _PAGE_NUMBER.finditer(text):
        if _blank_around(text, m.start(), m.end()):
            t.mask(m.start(), m.end(), "page")
    web = _WEB_TITLE.match(text)
    if web and re.search(r"\n\s*(?:Số|SỐ)\s*:", text[: 3000]):
        return web.start("t"), web.end("t")
    return None


def _blank_around(text: str, s: int, e: int) -> bool:
    """A lone number is a page number when blank lines surround it (not a table cell or list label)."""
    before = text[max(0, s - 3):s]
    after = text[e:e + 3]
    return before.count("\n") >= 2 and after.startswith("\n") and "|" not in text[max(0, s - 4):e + 4]


def footnote_blocks(t: Text) -> list[tuple[int, int]]:
    """Spans of page-bottom footnote areas: from a separator line to the next page start."""
    text, out = t.text, []
    bounds: list[int] | None = None
    last_end = -1
    for m in _SEPARATOR.finditer(text):
        if bounds is None:  # every place a block can end, found once (a search per separator would be quadratic)
            bounds = sorted({m.start() for pat in (_PAGE_START, _PAGE_NUMBER, _GAP) for m in pat.finditer(text)})
        if m.start() < last_end:  # blocks never overlap: a separator inside a block is part of it
            continue
        nxt = text.find("\n", m.end())
        if nxt < 0:
            continue
        i = bisect.bisect_right(bounds, nxt)
        end = bounds[i] if i < len(bounds) else len(text)
        if not _NONBLANK.search(text, m.start(), end):
            continue
        out.append((m.start(), end))
        last_end = end
    out += _bracket_block(text, out)
    for s, e in out:
        t.mask(s, e, "footnote")
    return out


_BRACKET_BODY = re.compile(r"^[ \t|]*\[(\d{1,3})\]", re.M)


def _bracket_block(text: str, taken: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Saved web pages put footnotes at the end as "[1] ...", "[2] ...": from the last "[1]" whose
    bodies follow in order to the end of the text."""
    if "[1]" not in text:  # a quick test before the line scan: most texts have no bracket footnotes
        return []
    starts = [m for m in _BRACKET_BODY.finditer(text) if m.group(1) == "1"]
    for first in reversed(starts):
        if any(a <= first.start() < b for a, b in taken):
            continue
        nums = [int(m.group(1)) for m in _BRACKET_BODY.finditer(text, first.start())]
        if nums[: 2] == [1, 2] or (len(nums) == 1 and re.search(r"\[1\]", text[: first.start()])):
            return [(first.start(), len(text))]
    return []
