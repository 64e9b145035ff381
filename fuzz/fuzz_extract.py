"""atheris harness for extract.document.extract_text (issue 6: robustness of extraction).

Each input is decoded to text in one of two ways, picked by its first byte:
  * raw: the bytes as arbitrary Unicode (FuzzedDataProvider.ConsumeUnicodeNoSurrogates), or as
    UTF-8 with errors replaced, so control characters, combining marks and odd scripts all occur;
  * tokens: a sequence of fragments of Vietnamese legal text (type words, "số", symbols, dates,
    headings, field labels, separators, quotes, pipes, blank lines) chosen by the fuzzer's bytes,
    which reaches the citation, outline, footnote and task parsers far more often than raw bytes.

`extract_text` may raise `InputError` (text without letters); any other exception is a bug, and so
is a record whose spans fall outside the text (set FUZZ_CHECK_SPANS=0 to look for exceptions and
timeouts only, e.g. while a known span bug is open). A run longer than -timeout is reported by libFuzzer.

Run (artifacts go to the current directory unless -artifact_prefix is given):
    python fuzz/fuzz_extract.py -max_total_time=300 -timeout=10 -max_len=4096 [CORPUS_DIR]
Reproduce one input:
    python fuzz/fuzz_extract.py path/to/crash-file
"""
from __future__ import annotations

import os
import sys

import atheris

with atheris.instrument_imports(include=["extract"]):
    from extract.decode import InputError
    from extract.document import extract_text

TOKENS = [
    "số ", "Số: ", "SỐ ", "số", "Quyết định ", "QUYẾT ĐỊNH", "Nghị quyết ", "Nghị định ", "Thông tư ", "Chỉ thị ",
    "Kế hoạch ", "KẾ HOẠCH", "Công văn ", "Luật ", "Bộ luật ", "Pháp lệnh ", "Chương trình hành động ",
    "Căn cứ ", "Thực hiện ", "Triển khai ", "Xét ", "Theo đề nghị ", "Kính gửi: ", "V/v ",
    "ngày ", "tháng ", "năm ", "2024", "2025", "1", "12", "57", "2531", "0", "99999",
    "/", "-", "_", ".", ",", ";", ":", "“", "”", "\"", "'", "(", ")", "|", "&", "–",
    "/QĐ-UBND", "/KH-SGDĐT", "-NQ/TW", "/NQ-CP", "/2024/NĐ-CP", "/QH14", "-CP", "-KL/TW", "/CT-TTg", "QĐ", "UBND", "TW",
    "I. ", "II. ", "III. NHIỆM VỤ", "IV. TỔ CHỨC THỰC HIỆN", "1. ", "1.1. ", "1.1.1.1. ", "a) ", "- ", "+ ", "1) ",
    "Điều 1. ", "Chương I ", "- Đơn vị chủ trì: ", "- Đơn vị phối hợp: ", "- Thời gian thực hiện: ", "Quý IV năm 2024",
    "Sở Giáo dục và Đào tạo", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "Bộ Chính trị", "Phòng Giáo dục Trung học",
    " của ", " về ", " và ", " thực hiện ", " sửa đổi, bổ sung ", " thay thế ", " bãi bỏ ", " hướng dẫn ", " được ", " bởi ",
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Thành phố Hồ Chí Minh, ngày 9 tháng 11 năm 2023",
    "KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn An", "Nơi nhận:", "- Lưu: VT, VP.",
    "STT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian",
    "\n", "\n", "\n\n", "\n\n\n\n", " ", "  ", "\t", "\u00a0",
    "_" * 30 + "\n", " " * 59 + "\n", "\n1 ", "\n2 ", "[1]", "quốc tế1", "năm 20248",
    "Open navigation\n", "Tải về văn bản\n", "\n12\n", "Điều", "Chương",
]


def text_of(data: bytes) -> str:
    fdp = atheris.FuzzedDataProvider(data)
    mode = fdp.ConsumeIntInRange(0, 3)
    if mode == 0:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    if mode == 1:
        return fdp.ConsumeBytes(fdp.remaining_bytes()).decode("utf-8", "replace")
    # token mode (twice as likely): one byte per fragment, the odd raw character mixed in
    parts = []
    while fdp.remaining_bytes():
        b = fdp.ConsumeIntInRange(0, 255)
        if b < len(TOKENS):
            parts.append(TOKENS[b])
        else:
            parts.append(chr(b) if b >= 32 else " ")
    return "".join(parts)


def check(rec: dict) -> None:
    text = rec["text"]
    n = len(text)
    for r in rec["references"]:
        for s in r["spans"]:
            assert 0 <= s["start"] <= s["end"] <= n, ("reference span outside text", r["key"], s["start"], s["end"], n)
    for f in rec["footnotes"]:
        assert 0 <= f["start"] <= f["end"] <= n, ("footnote span outside text", f["n"], f["start"], f["end"], n)
    for x in rec["tasks"]:
        assert 0 <= x["start"] <= x["end"] <= n, ("task span outside text", x["label"], x["start"], x["end"], n)


CHECK_SPANS = os.environ.get("FUZZ_CHECK_SPANS", "1") != "0"


def TestOneInput(data: bytes) -> None:
    text = text_of(data)
    try:
        rec = extract_text(text, "fuzz.txt")
    except InputError:
        return
    if CHECK_SPANS:
        check(rec)


def main() -> None:
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
