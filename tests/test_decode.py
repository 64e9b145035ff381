import codecs
import random
import unicodedata
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from extract.decode import InputError, decode_bytes, decode_legacy, encode_legacy
from tests import shared_paths

SEED = shared_paths.CORPUS / "004_866d70e48e852e47.txt"
UNKNOWN = "unknown text encoding"


def nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


@pytest.fixture(scope="module")
def text() -> str:
    """Real legal text, so the encoding scorer sees real syllables."""
    return nfc(SEED.read_text(encoding="utf-8")[:3000])


def vietnamese_letters() -> str:
    """All 134 toned/shaped letters, built from Unicode so the test does not share the data file."""
    out = ["đ", "Đ"]
    for base in "aăâeêioôơuưy":
        for tone in ("", "\u0300", "\u0301", "\u0303", "\u0309", "\u0323"):
            ch = nfc(base + tone)
            if ch not in "aeiouy":
                out += [ch, ch.upper()]
    return "".join(out)


LETTERS = vietnamese_letters()


def encode_cp1258(text: str) -> bytes:
    """As Windows writes cp1258: precomposed where the code page has it, else letter + combining tone."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        letter = nfc("".join(c for c in nfd if c not in tones))
        out += (letter + "".join(c for c in nfd if c in tones)).encode("cp1258")
    return bytes(out)


def in_repertoire(text: str, encoding: str) -> str:
    """Keep what the legacy encoding can write; toned capitals TCVN3 lacks become lowercase."""
    out = []
    for ch in text:
        for cand in (ch, ch.lower()):
            try:
                encode_legacy(cand, encoding)
            except UnicodeEncodeError:
                continue
            out.append(cand)
            break
    return "".join(out)


def test_vietnamese_letter_inventory_has_134_letters():
    assert len(set(LETTERS)) == 134


# --- Unicode encodings ------------------------------------------------------

def test_utf8_without_bom_decodes_unchanged(text):
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")


def test_utf8_bom_is_dropped(text):
    assert decode_bytes(codecs.BOM_UTF8 + text.encode("utf-8")) == (text, "utf-8-sig")


def test_nfd_utf8_is_returned_unnormalised(text):
    nfd = unicodedata.normalize("NFD", text)
    got, enc = decode_bytes(nfd.encode("utf-8"))
    assert (got, enc) == (nfd, "utf-8")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom_decodes_to_the_same_text(text, codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    assert decode_bytes(bom + text.encode(codec)) == (text, "utf-16")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_found_by_nul_parity(text, codec):
    assert decode_bytes(text.encode(codec)) == (text, codec)


@pytest.mark.parametrize("codec", ["utf-32-le", "utf-32-be"])
def test_utf32_with_bom_decodes_to_the_same_text(text, codec):
    bom = codecs.BOM_UTF32_LE if codec.endswith("le") else codecs.BOM_UTF32_BE
    assert decode_bytes(bom + text.encode(codec)) == (text, "utf-32")


@pytest.mark.parametrize("cut", [1, 2])
def test_utf8_cut_inside_a_character_keeps_the_valid_prefix(cut):
    prefix = "Điều 1. Phạm vi điều chỉnh của Ngh"
    data = prefix.encode("utf-8") + "ị".encode("utf-8")[:cut]  # "ị" is 3 bytes
    assert decode_bytes(data) == (prefix, "utf-8 (truncated)")


def test_utf8_cut_inside_a_four_byte_character_keeps_the_valid_prefix():
    data = "Quyết định 😀".encode("utf-8")[:-1]
    assert decode_bytes(data) == ("Quyết định ", "utf-8 (truncated)")


def test_utf8_bom_file_cut_inside_a_character_keeps_the_valid_prefix():
    data = codecs.BOM_UTF8 + "Nghị đị".encode("utf-8")[:-1]
    assert decode_bytes(data) == ("Nghị đ", "utf-8-sig (truncated)")


def test_invalid_utf8_in_the_middle_is_not_mistaken_for_truncation():
    with pytest.raises(InputError, match=UNKNOWN):
        decode_bytes(b"abc \xe1\xba def ghi")


# --- Windows-1258 and legacy font encodings ---------------------------------

def test_cp1258_text_decodes_to_the_same_nfc_text(text):
    data = encode_cp1258(text)
    assert data.decode("cp1258") != text  # really decomposed: tones as combining bytes
    got, enc = decode_bytes(data)
    assert enc == "cp1258"
    assert nfc(got) == text


def test_tcvn3_text_round_trips_to_the_same_unicode(text):
    # TCVN3 writes toned capitals with lower-case codes; a line in capitals reads back in capitals,
    # so the decoded text is the original, headings ("KẾ HOẠCH") included
    sample = in_repertoire(text, "tcvn3")
    got, enc = decode_bytes(encode_legacy(sample, "tcvn3"))
    assert enc == "tcvn3"

    def capitals(line: str) -> bool:
        letters = [c for c in line if c.isalpha()]
        return len(letters) >= 4 and sum(c.isupper() for c in letters) / len(letters) >= 0.6

    # a toned capital inside a mixed-case line ("của Ủy ban") stays the lower-case letter TCVN3 wrote
    expected = "\n".join(line if capitals(line) else in_repertoire(line, "tcvn3") for line in text.split("\n"))
    assert nfc(got) == expected


def test_vni_text_round_trips_to_the_same_unicode(text):
    sample = in_repertoire(text, "vni")
    assert sample == text  # VNI has every letter, capitals included
    got, enc = decode_bytes(encode_legacy(sample, "vni"))
    assert enc == "vni"
    assert nfc(got) == sample


def test_whole_legacy_file_is_decoded_not_just_the_scored_sample(text):
    big = (in_repertoire(text, "vni") + "\n") * 200  # ~600k chars, beyond the scoring sample
    got, enc = decode_bytes(encode_legacy(big, "vni"))
    assert (nfc(got), enc) == (big, "vni")


@pytest.mark.parametrize(
    "encoding, raw, expected",
    [
        ("tcvn3", "Céng hoµ x· héi chñ nghÜa ViÖt Nam\n§éc lËp - Tù do - H¹nh phóc",
         "Cộng hoà xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc"),
        ("vni", "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam\nÑoäc laäp - Töï do - Haïnh phuùc",
         "Cộng hòa xã hội chủ nghĩa Việt Nam\nĐộc lập - Tự do - Hạnh phúc"),
        ("vni", "ÑIEÀU 1. QUYEÁT ÑÒNH", "ĐIỀU 1. QUYẾT ĐỊNH"),
    ],
)
def test_legacy_text_as_seen_in_old_documents_is_detected(encoding, raw, expected):
    assert decode_bytes(raw.encode("cp1252")) == (expected, encoding)


def test_vni_covers_all_134_letters_and_round_trips_each():
    for ch in LETTERS:
        assert decode_legacy(encode_legacy(ch, "vni"), "vni") == ch


def test_tcvn3_covers_lowercase_letters_and_untoned_capitals():
    lower = [c for c in LETTERS if c.islower()]
    capitals = "ĂÂÊÔƠƯĐ"
    for ch in lower + list(capitals):
        assert decode_legacy(encode_legacy(ch, "tcvn3"), "tcvn3") == ch
    assert len(lower) == 67


def test_tcvn3_toned_capitals_fold_to_lowercase_codes_and_a_capitals_line_reads_back_in_capitals():
    with pytest.raises(UnicodeEncodeError):
        encode_legacy("ĐIỀU", "tcvn3")
    assert decode_legacy(encode_legacy("ĐIỀU", "tcvn3", errors="fold"), "tcvn3") == "ĐIỀU"
    assert decode_legacy(encode_legacy("Điều 1 của Luật", "tcvn3", errors="fold"), "tcvn3") == "Điều 1 của Luật"


def test_windows_1252_punctuation_round_trips_through_legacy_tables():
    s = "“Điều 1” – khoản 2…"
    assert decode_legacy(encode_legacy(s, "vni"), "vni") == s
    assert decode_legacy(encode_legacy(s.lower(), "tcvn3"), "tcvn3") == s.lower()


def test_ascii_text_with_smart_quotes_only_is_accepted():
    got, enc = decode_bytes(b"He said \x93yes\x94 \x96 twice.")
    assert (got, enc) == ("He said “yes” – twice.", "cp1258")


def test_non_vietnamese_8bit_text_raises_unknown_encoding():
    data = "Настоящий закон регулирует отношения в области связи".encode("cp1251")
    with pytest.raises(InputError, match=UNKNOWN):
        decode_bytes(data)


# --- unusable input ---------------------------------------------------------

@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  ", codecs.BOM_UTF8, codecs.BOM_UTF8 + b" \n",
                                  codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")])
def test_empty_or_whitespace_only_input_raises_empty_file(data):
    with pytest.raises(InputError, match="^empty file$"):
        decode_bytes(data)


def test_pdf_header_raises_pdf_error():
    with pytest.raises(InputError, match="PDF file"):
        decode_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\n")


def test_png_header_raises_image_error():
    with pytest.raises(InputError, match=r"binary file \(image\)"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(50)))


@pytest.mark.parametrize("data", [b"\xff\xd8\xff\xe0\x00\x10JFIF", b"GIF89a\x01\x00", b"RIFF\x10\x00\x00\x00WEBPVP8 "])
def test_other_image_headers_raise_image_error(data):
    with pytest.raises(InputError, match=r"binary file \(image\)"):
        decode_bytes(data)


def test_docx_zip_header_raises_archive_error():
    with pytest.raises(InputError, match="DOCX/ZIP archive"):
        decode_bytes(b"PK\x03\x04\x14\x00\x06\x00word/document.xml")


def test_random_binary_bytes_raise_binary_error():
    data = random.Random(1).randbytes(10000)
    with pytest.raises(InputError, match="binary file"):
        decode_bytes(data)


def test_random_binary_bytes_without_nuls_raise_binary_error():
    data = random.Random(2).randbytes(10000).replace(b"\x00", b"\x01")
    with pytest.raises(InputError, match=r"binary file \(control bytes\)"):
        decode_bytes(data)


def test_stray_nul_byte_in_utf8_text_raises_binary_error(text):
    data = text.encode("utf-8") * 3 + b"\x00" + b"x" * 5
    with pytest.raises(InputError, match="NUL"):
        decode_bytes(data)


def test_input_error_is_a_value_error():
    assert issubclass(InputError, ValueError)


# --- properties -------------------------------------------------------------

vietnamese_text = st.text(alphabet=LETTERS + "abcdeghiklmnopqrstuvxyABCDEGHIKLMNOPQRSTUVXY \n", min_size=1)


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_any_vietnamese_utf8_text_decodes_back_unchanged(s):
    assume(s.strip())
    assert decode_bytes(s.encode("utf-8")) == (s, "utf-8")


@settings(max_examples=300, deadline=None)
@given(vietnamese_text)
def test_legacy_tables_round_trip_any_text_in_their_repertoire(s):
    assert decode_legacy(encode_legacy(s, "vni"), "vni") == s
    low = s.lower()
    assert decode_legacy(encode_legacy(low, "tcvn3"), "tcvn3") == low
