"""The rules of the Vietnamese citation system, one test each.

Every test builds a small realistic text (the skeleton of a plan issued by the Ho Chi Minh City
Department of Education: header block, "KẾ HOẠCH", title, preamble, "I. MỤC ĐÍCH, YÊU CẦU",
"II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN", signature) and checks the exact record that
`extract.document.extract_text` makes of it (see ../shared/gold/SCHEMA.md).

Tests marked xfail(strict=True) state a rule the extractor does not follow yet: the reason says
what it does instead.
"""

from __future__ import annotations

import unicodedata

import pytest

from extract import deadlines
from extract.document import extract_text

HCMC = "Ủy ban nhân dân Thành phố Hồ Chí Minh"
SGDDT = "Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh"

# A PDF footnote separator comes out as a line of spaces; a new page starts with a line indented
# by exactly one space.
SEP = " " * 59

HEADER = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HỒ CHÍ MINH
SỞ GIÁO DỤC VÀ ĐÀO TẠO
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 6526/KH-SGDĐT
Thành phố Hồ Chí Minh, ngày 15 tháng 11 năm 2024
"""

ORG = """1. Phòng Giáo dục Trung học
Chủ trì, phối hợp các đơn vị triển khai Kế hoạch.
2. Văn phòng Sở
Theo dõi, tổng hợp kết quả thực hiện."""

SIGNATURE = """
Nơi nhận:
- Như trên;
- Lưu: VT, VP.
GIÁM ĐỐC
Nguyễn Văn Hiếu
"""


def plan(
    preamble: str = "Căn cứ tình hình thực tế của ngành;",
    purpose: str = "- Nâng cao chất lượng giáo dục trên địa bàn Thành phố.",
    tasks: str = "1. Tổ chức tập huấn cho giáo viên.",
    title: str = "Tăng cường công tác giáo dục năm 2024",
    header: str = HEADER,
    org: str | None = ORG,
) -> str:
    text = (header + "\n" if header else "") + "KẾ HOẠCH\n" + title + "\n\n" + preamble + "\n"
    text += "Sở Giáo dục và Đào tạo ban hành Kế hoạch như sau:\n"
    text += "I. MỤC ĐÍCH, YÊU CẦU\n" + purpose + "\n"
    text += "II. NỘI DUNG\n" + tasks + "\n"
    if org is not None:
        text += "III. TỔ CHỨC THỰC HIỆN\n" + org + "\n"
    return text + SIGNATURE


def extract(text: str) -> dict:
    return extract_text(text, "x.txt")


def refs(rec: dict) -> dict[str, dict]:
    """key -> the reference's scored fields."""
    out = {}
    for r in rec["references"]:
        out[r["key"]] = {k: r[k] for k in ("alt_keys", "doc_type", "date", "issuer", "relations", "mentions")}
    return out


def ref(rec: dict, key: str) -> dict:
    found = refs(rec)
    assert key in found, f"{key} not among {list(found)}"
    return found[key]


def implied(rec: dict) -> list[tuple[str, str, str]]:
    return [(i["from"], i["to"], i["relation"]) for i in rec["implied_relations"]]


def footnotes(rec: dict) -> list[tuple[int, str, list[str]]]:
    return [(f["n"], f["anchor"], f["refs"]) for f in rec["footnotes"]]


def tasks_of(rec: dict) -> list[dict]:
    keep = ("label", "title", "lead", "support", "executor", "deadline", "deadline_start", "deadline_end")
    return [{k: t[k] for k in keep} for t in rec["tasks"]]


# =============================================================================================
# Symbol forms
# =============================================================================================


def test_administrative_symbol_is_number_type_code_and_agency():
    rec = extract(plan(preamble="Căn cứ Quyết định số 2531/QĐ-UBND ngày 20 tháng 6 năm 2023 của Ủy ban nhân dân "
                                "Thành phố về ban hành Kế hoạch triển khai Chương trình hành động;"))
    assert refs(rec) == {
        "2531/QĐ-UBND": {"alt_keys": [], "doc_type": "Quyết định", "date": "2023-06-20", "issuer": HCMC,
                         "relations": ["based_on"], "mentions": 1},
    }


@pytest.mark.parametrize(
    "citation, key, doc_type, date, issuer",
    [
        ("Quyết định số 70/2024/QĐ-UBND ngày 02/10/2024 của Ủy ban nhân dân Thành phố",
         "70/2024/QĐ-UBND", "Quyết định", "2024-10-02", HCMC),
        ("Nghị định số 29/2024/NĐ-CP ngày 06/3/2024 của Chính phủ",
         "29/2024/NĐ-CP", "Nghị định", "2024-03-06", "Chính phủ"),
        ("Quyết định số 72/2014/QĐ-TTg ngày 17 tháng 12 năm 2014 của Thủ tướng Chính phủ",
         "72/2014/QĐ-TTg", "Quyết định", "2014-12-17", "Thủ tướng Chính phủ"),
        ("Nghị quyết số 27/2023/NQ-HĐND ngày 08/12/2023 của Hội đồng nhân dân Thành phố",
         "27/2023/NQ-HĐND", "Nghị quyết", "2023-12-08", "Hội đồng nhân dân Thành phố Hồ Chí Minh"),
        ("Thông tư số 24/2025/TT-BGDĐT ngày 10/10/2025 của Bộ Giáo dục và Đào tạo",
         "24/2025/TT-BGDĐT", "Thông tư", "2025-10-10", "Bộ Giáo dục và Đào tạo"),
    ],
)
def test_normative_symbol_carries_its_year_between_number_and_type(citation, key, doc_type, date, issuer):
    rec = extract(plan(preamble=f"Căn cứ {citation} quy định về tổ chức bộ máy;"))
    assert refs(rec) == {key: {"alt_keys": [], "doc_type": doc_type, "date": date, "issuer": issuer,
                               "relations": ["based_on"], "mentions": 1}}


@pytest.mark.parametrize(
    "citation, key, doc_type, date, issuer",
    [
        ("Nghị quyết số 57-NQ/TW ngày 22 tháng 12 năm 2024 của Bộ Chính trị",
         "57-NQ/TW", "Nghị quyết", "2024-12-22", "Bộ Chính trị"),
        ("Chương trình hành động số 63-CTrHĐ/TU ngày 27/02/2025 của Thành ủy Thành phố Hồ Chí Minh",
         "63-CTrHĐ/TU", "Chương trình hành động", "2025-02-27", "Thành ủy Thành phố Hồ Chí Minh"),
        ("Kết luận số 14-KL/TW ngày 22/9/2021 của Bộ Chính trị",
         "14-KL/TW", "Kết luận", "2021-09-22", "Bộ Chính trị"),
        ("Quyết định số 272-QĐ/TW ngày 21/01/2015 của Ban Bí thư",
         "272-QĐ/TW", "Quyết định", "2015-01-21", "Ban Bí thư"),
        ("Quy định số 08-QĐi/TW ngày 25/10/2018 của Ban Chấp hành Trung ương",
         "08-QĐi/TW", "Quy định", "2018-10-25", "Ban Chấp hành Trung ương"),
    ],
)
def test_party_symbol_puts_a_hyphen_after_the_number_and_the_body_after_a_slash(citation, key, doc_type, date, issuer):
    rec = extract(plan(preamble=f"Căn cứ {citation} về đột phá phát triển khoa học, công nghệ;"))
    assert refs(rec) == {key: {"alt_keys": [], "doc_type": doc_type, "date": date, "issuer": issuer,
                               "relations": ["based_on"], "mentions": 1}}


def test_official_letter_symbol_has_no_type_code_and_is_a_cong_van():
    rec = extract(plan(preamble="Căn cứ Công văn số 1512/SGDĐT-VP ngày 04/4/2023 của Sở Giáo dục và Đào tạo về "
                                "hướng dẫn công tác văn thư;"))
    assert refs(rec) == {"1512/SGDĐT-VP": {"alt_keys": [], "doc_type": "Công văn", "date": "2023-04-04",
                                           "issuer": SGDDT, "relations": ["based_on"], "mentions": 1}}


def test_letter_symbol_alone_without_a_type_word_is_still_a_cong_van():
    rec = extract(plan(tasks="1. Rà soát hồ sơ lưu trữ\nThực hiện đúng quy trình nêu tại văn bản 1512/SGDĐT-VP."))
    assert ref(rec, "1512/SGDĐT-VP")["doc_type"] == "Công văn"


def test_web_file_name_underscore_is_read_as_a_slash():
    rec = extract(plan(purpose="- Cụ thể hóa Quyết định 2531_QĐ-UBND về Kế hoạch triển khai Chương trình hành động "
                               "thực hiện Nghị quyết 24-NQ_TW về phát triển vùng Đông Nam Bộ."))
    assert list(refs(rec)) == ["2531/QĐ-UBND", "24-NQ/TW"]


def test_so_glued_to_the_number_still_introduces_the_citation():
    rec = extract(plan(preamble="Căn cứ Quyết định số186/QĐ-UBND ngày 15 tháng 01 năm 2024 của Ủy ban nhân dân "
                                "Thành phố về việc phê duyệt Kế hoạch đào tạo, bồi dưỡng;"))
    assert refs(rec) == {"186/QĐ-UBND": {"alt_keys": [], "doc_type": "Quyết định", "date": "2024-01-15",
                                         "issuer": HCMC, "relations": ["based_on"], "mentions": 1}}


def test_citation_with_and_without_so_is_the_same_document():
    rec = extract(plan(preamble="Căn cứ Quyết định số 2531/QĐ-UBND ngày 20/6/2023 của Ủy ban nhân dân Thành phố;",
                       tasks="1. Triển khai Quyết định 2531/QĐ-UBND trong toàn ngành."))
    assert refs(rec) == {"2531/QĐ-UBND": {"alt_keys": [], "doc_type": "Quyết định", "date": "2023-06-20",
                                          "issuer": HCMC, "relations": ["based_on", "cites"], "mentions": 2}}


def test_party_symbol_in_state_form_keeps_its_printed_key_and_lists_the_party_form():
    rec = extract(plan(preamble="Căn cứ Chỉ thị số 04/CT-TW ngày 06/7/2011 của Bộ Chính trị về tiếp tục đổi mới và "
                                "nâng cao hiệu quả công tác đối ngoại nhân dân;"))
    assert refs(rec) == {"04/CT-TW": {"alt_keys": ["04-CT/TW"], "doc_type": "Chỉ thị", "date": "2011-07-06",
                                      "issuer": "Bộ Chính trị", "relations": ["based_on"], "mentions": 1}}


def test_party_symbol_in_state_form_is_the_same_document_as_a_later_party_form():
    rec = extract(plan(preamble="Căn cứ Chỉ thị số 04/CT-TW ngày 06/7/2011 của Bộ Chính trị về tiếp tục đổi mới công "
                                "tác đối ngoại nhân dân;",
                       tasks="1. Quán triệt Chỉ thị số 04-CT/TW của Bộ Chính trị trong toàn ngành."))
    assert refs(rec) == {"04/CT-TW": {"alt_keys": ["04-CT/TW"], "doc_type": "Chỉ thị", "date": "2011-07-06",
                                      "issuer": "Bộ Chính trị", "relations": ["based_on", "cites"], "mentions": 2}}


def test_every_printed_spelling_is_the_key_or_an_alt_key_and_the_key_is_not_repeated():
    rec = extract(plan(preamble="Căn cứ Chỉ thị số 04-CT/TW ngày 06/7/2011 của Bộ Chính trị về tiếp tục đổi mới công "
                                "tác đối ngoại nhân dân;",
                       tasks="1. Quán triệt Chỉ thị số 04/CT-TW của Bộ Chính trị trong toàn ngành."))
    r = ref(rec, "04-CT/TW")
    assert r["alt_keys"] == ["04/CT-TW"]
    assert r["mentions"] == 2


def test_same_number_with_another_type_code_is_another_document():
    rec = extract(plan(purpose="- Quán triệt Quyết định số 12/QĐ-UBND ngày 02/01/2024, Kế hoạch số 12/KH-UBND ngày "
                               "03/01/2024 của Ủy ban nhân dân Thành phố."))
    assert [(k, r["doc_type"], r["date"]) for k, r in refs(rec).items()] == [
        ("12/QĐ-UBND", "Quyết định", "2024-01-02"),
        ("12/KH-UBND", "Kế hoạch", "2024-01-03"),
    ]


def test_the_letter_d_with_stroke_is_significant_hd_is_not_hđ():
    rec = extract(plan(tasks="1. Rà soát hồ sơ\nThực hiện theo Hướng dẫn số 01/HD-SGDĐT ngày 04/01/2024.\n"
                             "2. Thanh lý hợp đồng\nThanh lý Hợp đồng số 01/HĐ-SGDĐT ngày 05/01/2024."))
    assert [(k, r["doc_type"], r["date"]) for k, r in refs(rec).items()] == [
        ("01/HD-SGDĐT", "Hướng dẫn", "2024-01-04"),
        ("01/HĐ-SGDĐT", "Hợp đồng", "2024-01-05"),
    ]


# --- footnote markers glued to symbols and years --------------------------------------------------


def test_footnote_digit_glued_to_symbol_is_not_part_of_it():
    rec = extract(plan(tasks="1. Tổ chức tập huấn\nTriển khai các nội dung theo Quyết định số 70/2024/QĐ-UBND1 của "
                             "Ủy ban nhân dân Thành phố.\n" + SEP + "\n"
                             "1 Quyết định số 70/2024/QĐ-UBND ngày 02/10/2024 của Ủy ban nhân dân Thành phố về ban "
                             "hành quy chế.\n 2. Kiểm tra việc thực hiện."))
    assert refs(rec) == {"70/2024/QĐ-UBND": {"alt_keys": [], "doc_type": "Quyết định", "date": "2024-10-02",
                                             "issuer": HCMC, "relations": ["cites", "footnote"], "mentions": 2}}
    assert footnotes(rec) == [(1, "70/2024/QĐ-UBND", ["70/2024/QĐ-UBND"])]


def test_footnote_digit_glued_to_a_party_symbol_is_not_part_of_it():
    rec = extract(plan(tasks="1. Đổi mới tư duy\nThực hiện tinh thần Kết luận số 14-KL/TW1 trong đội ngũ cán bộ.\n"
                             + SEP + "\n1 Kết luận số 14-KL/TW ngày 22/9/2021 của Bộ Chính trị về chủ trương khuyến "
                             "khích và bảo vệ cán bộ năng động, sáng tạo\n 2. Kiểm tra việc thực hiện."))
    assert ref(rec, "14-KL/TW")["mentions"] == 2
    assert footnotes(rec) == [(1, "14-KL/TW", ["14-KL/TW"])]


def test_footnote_digit_glued_to_a_year_marks_the_year():
    rec = extract(plan(tasks="1. Chuyển đổi số\nĐẩy mạnh chuyển đổi số trong giáo dục đến năm 20241.\n" + SEP + "\n"
                             "1 Quyết định số 75/QĐ-UBND ngày 08 tháng 01 năm 2024 của Ủy ban nhân dân Thành phố.\n"
                             " 2. Kiểm tra việc thực hiện."))
    assert footnotes(rec) == [(1, "năm 2024", ["75/QĐ-UBND"])]
    assert refs(rec) == {"75/QĐ-UBND": {"alt_keys": [], "doc_type": "Quyết định", "date": "2024-01-08",
                                        "issuer": HCMC, "relations": ["footnote"], "mentions": 1}}


def test_footnote_digit_glued_to_the_year_of_a_citation_date_leaves_the_year_whole():
    rec = extract(plan(tasks="1. Bồi dưỡng cán bộ\nThực hiện theo Quyết định số 186/QĐ-UBND ngày 15 tháng 01 năm "
                             "20248 của Ủy ban nhân dân Thành phố."))
    assert ref(rec, "186/QĐ-UBND")["date"] == "2024-01-15"
    assert ref(rec, "186/QĐ-UBND")["issuer"] == HCMC


def test_footnote_body_continued_on_the_next_page_keeps_its_citations():
    rec = extract(plan(tasks="1. Hợp tác quốc tế\nMở rộng quan hệ với các tổ chức quốc tế1 trong lĩnh vực giáo dục\n"
                             + SEP + "\n1 Quyết định số 4599/QĐ-UBND ngày 14 tháng 12 năm 2020 của Ủy ban nhân dân "
                             "Thành phố về ban hành Đề án;\n"
                             " và đào tạo, góp phần nâng cao vị thế của Thành phố.\n" + SEP + "\n"
                             "Kế hoạch số 2176/KH-UBND ngày 01 tháng 7 năm 2022 của Ủy ban nhân dân Thành phố.\n"
                             " 2. Tổ chức hội nghị tổng kết."))
    assert footnotes(rec) == [(1, "tổ chức quốc tế", ["4599/QĐ-UBND", "2176/KH-UBND"])]
    assert ref(rec, "2176/KH-UBND")["relations"] == ["footnote"]


# =============================================================================================
# Broken and odd spellings
# =============================================================================================


@pytest.mark.parametrize(
    "printed, key",
    [
        ("Nghị quyết số 31-\n\nNQ/TW", "31-NQ/TW"),
        ("Nghị quyết số 31- NQ/TW", "31-NQ/TW"),
        ("Kế hoạch số 1927/KH-\nUBND", "1927/KH-UBND"),
        ("Kế hoạch số 75/KH- UBND", "75/KH-UBND"),
        ("Nghị quyết số 27/NQ- TW", "27/NQ-TW"),
        ("Quyết định số 15/2014/QĐ- UBND", "15/2014/QĐ-UBND"),
        ("Nghị định Số\n257/2025/NĐ-CP", "257/2025/NĐ-CP"),
    ],
)
def test_symbol_split_by_a_line_break_or_a_stray_space_is_joined(printed, key):
    rec = extract(plan(preamble=f"Căn cứ {printed} ngày 09/11/2022 về nhiệm vụ trọng tâm;"))
    assert list(refs(rec)) == [key]
    assert ref(rec, key)["date"] == "2022-11-09"
    assert ref(rec, key)["relations"] == ["based_on"]


def test_symbol_in_capitals_in_a_title_takes_the_printed_case_of_its_codes():
    rec = extract(plan(title="THỰC HIỆN CHỈ THỊ SỐ 27/CT-TTG NGÀY 15 THÁNG 8 NĂM 2024 CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ VIỆC "
                             "TĂNG CƯỜNG THỰC HIỆN CÔNG TÁC DÂN SỐ"))
    assert refs(rec) == {"27/CT-TTg": {"alt_keys": [], "doc_type": "Chỉ thị", "date": "2024-08-15",
                                       "issuer": "Thủ tướng Chính phủ", "relations": ["implements"], "mentions": 1}}


def test_capital_and_running_text_spellings_are_one_document():
    rec = extract(plan(title="THỰC HIỆN CHỈ THỊ SỐ 27/CT-TTG NGÀY 15 THÁNG 8 NĂM 2024 CỦA THỦ TƯỚNG CHÍNH PHỦ VỀ VIỆC "
                             "TĂNG CƯỜNG THỰC HIỆN CÔNG TÁC DÂN SỐ",
                       preamble="Thực hiện Chỉ thị số 27/CT-TTg ngày 15 tháng 8 năm 2024 của Thủ tướng Chính phủ về "
                                "việc tăng cường thực hiện công tác dân số;"))
    assert list(refs(rec)) == ["27/CT-TTg"]
    assert ref(rec, "27/CT-TTg")["mentions"] == 2


def test_decimal_number_is_part_of_the_symbol():
    rec = extract(plan(preamble="Căn cứ Nghị quyết số 66.4/2025/NQ-CP ngày 25/6/2025 của Chính phủ về xử lý khó khăn, "
                                "vướng mắc;"))
    assert refs(rec) == {"66.4/2025/NQ-CP": {"alt_keys": [], "doc_type": "Nghị quyết", "date": "2025-06-25",
                                             "issuer": "Chính phủ", "relations": ["based_on"], "mentions": 1}}


def test_numbers_sharing_one_suffix_are_one_reference_each():
    rec = extract(plan(purpose="- Thực hiện các Kết luận số 187, 188-KL/TW ngày 31/7/2025 của Bộ Chính trị."))
    same = {"alt_keys": [], "doc_type": "Kết luận", "date": "2025-07-31", "issuer": "Bộ Chính trị",
            "relations": ["implements", "cites"], "mentions": 1}
    assert refs(rec) == {"187-KL/TW": same, "188-KL/TW": same}


def test_old_government_symbol_has_no_type_code():
    rec = extract(plan(purpose="- Tiếp tục thực hiện Quyết định số 169-CP ngày 24/6/1977 của Hội đồng Chính phủ."))
    assert refs(rec) == {"169-CP": {"alt_keys": [], "doc_type": "Quyết định", "date": "1977-06-24",
                                    "issuer": "Chính phủ", "relations": ["implements", "cites"], "mentions": 1}}


def test_one_type_word_governs_several_numbers_each_with_its_own_date():
    rec = extract(plan(preamble="Căn cứ các Nghị định của Chính phủ về lựa chọn nhà đầu tư: số 115/2024/NĐ-CP ngày "
                                "16/9/2024, số 225/2025/NĐ-CP ngày 15/8/2025;"))
    assert refs(rec) == {
        "115/2024/NĐ-CP": {"alt_keys": [], "doc_type": "Nghị định", "date": "2024-09-16", "issuer": "Chính phủ",
                           "relations": ["based_on"], "mentions": 1},
        "225/2025/NĐ-CP": {"alt_keys": [], "doc_type": "Nghị định", "date": "2025-08-15", "issuer": "Chính phủ",
                           "relations": ["based_on"], "mentions": 1},
    }


def test_dates_ratios_and_street_numbers_are_not_references():
    rec = extract(plan(purpose="- Đạt tỷ lệ 15/20 trường vào ngày 20/6/2023, tại trụ sở số 66/12 Lê Lợi, phòng 3/2."))
    assert rec["references"] == []


# =============================================================================================
# Dates
# =============================================================================================


@pytest.mark.parametrize(
    "written, iso",
    [
        ("ngày 20 tháng 6 năm 2023", "2023-06-20"),
        ("ngày 03/4/2023", "2023-04-03"),
        (", ngày 22/10/2018", "2018-10-22"),
        ("ngày 8/10/2025", "2025-10-08"),
        ("ngày 12 tháng 11\nnăm 2025", "2025-11-12"),
    ],
)
def test_citation_date_is_read_in_every_written_form(written, iso):
    rec = extract(plan(preamble=f"Căn cứ Kế hoạch số 1927/KH-UBND {written} của Ủy ban nhân dân Thành phố;"))
    assert ref(rec, "1927/KH-UBND")["date"] == iso


def test_citation_without_a_date_has_a_null_date():
    rec = extract(plan(preamble="Căn cứ Kế hoạch số 1927/KH-UBND của Ủy ban nhân dân Thành phố;"))
    assert ref(rec, "1927/KH-UBND")["date"] is None


def test_date_given_by_any_mention_is_the_documents_date():
    rec = extract(plan(purpose="- Triển khai Kế hoạch số 1927/KH-UBND trong toàn ngành.",
                       tasks="1. Sơ kết\nSơ kết việc thực hiện Kế hoạch số 1927/KH-UBND ngày 11/4/2024."))
    assert ref(rec, "1927/KH-UBND")["date"] == "2024-04-11"


def test_date_written_after_the_issuer_belongs_to_the_citation():
    rec = extract(plan(purpose="- Thực hiện Quyết định số 2531/QĐ-UBND của Ủy ban nhân dân Thành phố ngày 20/6/2023."))
    assert ref(rec, "2531/QĐ-UBND")["date"] == "2023-06-20"


# =============================================================================================
# Issuers
# =============================================================================================


def test_thanh_pho_in_a_ho_chi_minh_city_document_is_the_city():
    rec = extract(plan(preamble="Căn cứ Kế hoạch số 1927/KH-UBND ngày 11/4/2024 của Ủy ban nhân dân Thành phố về "
                                "xây dựng Thành phố học tập;"))
    assert ref(rec, "1927/KH-UBND")["issuer"] == HCMC


def test_issuer_split_over_a_line_break_is_read_whole():
    rec = extract(plan(preamble="Căn cứ Quyết định số 2531/QĐ-UBND ngày 20 tháng 6 năm 2023 của Ủy\nban nhân dân "
                                "Thành phố về ban hành Kế hoạch;"))
    assert ref(rec, "2531/QĐ-UBND")["issuer"] == HCMC


def test_issuer_bo_chinh_tri_after_cua():
    rec = extract(plan(preamble="Căn cứ Kết luận số 91-KL/TW ngày 12/8/2024 của Bộ Chính trị về tiếp tục thực hiện "
                                "Nghị quyết Hội nghị Trung ương 8 khóa XI;"))
    assert ref(rec, "91-KL/TW")["issuer"] == "Bộ Chính trị"


def test_issuer_printed_before_the_citation_with_a_dash():
    rec = extract(plan(tasks="1. Kinh tế biển\nNội dung theo Nghị quyết số 36-NQ/TW1.\n" + SEP + "\n"
                             "1 Ban Chấp hành Trung ương – Nghị quyết số 36-NQ/TW, ngày 22/10/2018 Về Chiến lược phát "
                             "triển bền vững kinh tế biển Việt Nam\n 2. Kiểm tra việc thực hiện."))
    assert refs(rec) == {"36-NQ/TW": {"alt_keys": [], "doc_type": "Nghị quyết", "date": "2018-10-22",
                                      "issuer": "Ban Chấp hành Trung ương", "relations": ["cites", "footnote"],
                                      "mentions": 2}}


@pytest.mark.parametrize(
    "citation, key, issuer",
    [
        ("Nghị quyết số 87/NQ-CP", "87/NQ-CP", "Chính phủ"),
        ("Quyết định số 72/2014/QĐ-TTg", "72/2014/QĐ-TTg", "Thủ tướng Chính phủ"),
        ("Thông tư số 24/2025/TT-BGDĐT", "24/2025/TT-BGDĐT", "Bộ Giáo dục và Đào tạo"),
        ("Luật số 43/2019/QH14", "43/2019/QH14", "Quốc hội"),
        ("Thông báo số 120/TB-VPCP", "120/TB-VPCP", "Văn phòng Chính phủ"),
    ],
)
def test_national_agency_code_in_the_symbol_names_the_issuer(citation, key, issuer):
    rec = extract(plan(purpose=f"- Bám sát {citation} trong quá trình triển khai."))
    assert ref(rec, key)["issuer"] == issuer


def test_party_body_code_tw_alone_does_not_name_the_central_organ():
    rec = extract(plan(purpose="- Bám sát Nghị quyết số 57-NQ/TW trong quá trình triển khai."))
    assert ref(rec, "57-NQ/TW")["issuer"] is None


@pytest.mark.parametrize(
    "text, key, issuer",
    [
        pytest.param(
            plan(title="Thực hiện Quyết định số 2531/QĐ-UBND ngày 20 tháng 6 năm 2023 của Ủy ban nhân dân Thành phố",
                 preamble="Căn cứ Nghị quyết số 87/NQ-CP ngày 02 tháng 6 năm 2023 của Chính phủ;"),
            "2531/QĐ-UBND", HCMC, id="title-ends-before-can-cu"),
        pytest.param(
            plan(title="THỰC HIỆN CHỈ THỊ SỐ 27/CT-TTG NGÀY 15 THÁNG 8 NĂM 2024 CỦA THỦ TƯỚNG CHÍNH PHỦ"),
            "27/CT-TTg", "Thủ tướng Chính phủ", id="capital-title-ends-before-can-cu"),
    ],
)
def test_issuer_at_the_end_of_the_title_stops_where_the_preamble_begins(text, key, issuer):
    assert ref(extract(text), key)["issuer"] == issuer


@pytest.mark.parametrize(
    "sentence, key, issuer",
    [
        pytest.param("Quyết định này thay thế Quyết định số 44/2014/QĐ-UBND ngày 10/10/2014 của Ủy ban nhân dân "
                     "Thành phố và bãi bỏ Quyết định số 15/2014/QĐ-UBND ngày 02/4/2014 của Ủy ban nhân dân Thành phố.",
                     "44/2014/QĐ-UBND", HCMC, id="va-bai-bo"),
        pytest.param("Tham khảo Kế hoạch số 75/KH-UBND ngày 09/7/2018 của Ủy ban nhân dân tỉnh Sóc Trăng về việc thực "
                     "hiện Nghị quyết số 137/NQ-CP ngày 31/12/2017 của Chính phủ và Chương trình số 27-CTr/TU ngày "
                     "12/3/2018 của Ban Chấp hành Đảng bộ tỉnh.",
                     "137/NQ-CP", "Chính phủ", id="va-chuong-trinh-so"),
        pytest.param("Triển khai thực hiện Hướng dẫn số 01/HD-SGDĐT ngày 04/01/2024 của Sở Giáo dục và Đào tạo và Kế "
                     "hoạch số 12/KH-UBND ngày 03/01/2024 của Ủy ban nhân dân Thành phố.",
                     "01/HD-SGDĐT", SGDDT, id="va-inside-and-after-the-name"),
        pytest.param("Thực hiện Kế hoạch số 75/KH-UBND ngày 09/7/2018 của Ủy ban nhân dân tỉnh Sóc Trăng; Nghị quyết "
                     "số 137/NQ-CP ngày 31/12/2017 của Chính phủ.",
                     "75/KH-UBND", "Ủy ban nhân dân tỉnh Sóc Trăng", id="semicolon"),
    ],
)
def test_issuer_stops_before_a_following_citation(sentence, key, issuer):
    rec = extract(plan(tasks="1. Rà soát văn bản\n" + sentence))
    assert ref(rec, key)["issuer"] == issuer


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("Ban Chấp hành Trung ương Đảng khoá XII", "Ban Chấp hành Trung ương"),
        pytest.param("Ban Chấp hành Trung ương Đảng khóa XIII", "Ban Chấp hành Trung ương"),
        pytest.param("Bộ Chính trị khóa XIII", "Bộ Chính trị"),
    ],
)
def test_party_term_after_the_issuer_is_not_part_of_its_name(written, canonical):
    rec = extract(plan(preamble=f"Căn cứ Nghị quyết số 27-NQ/TW ngày 09/11/2022 của {written} về tiếp tục xây dựng "
                                "và hoàn thiện Nhà nước pháp quyền;"))
    assert ref(rec, "27-NQ/TW")["issuer"] == canonical


# =============================================================================================
# Relations: where a citation stands and the verb that governs it
# =============================================================================================


def test_can_cu_clause_of_the_preamble_is_based_on():
    rec = extract(plan(preamble="Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;\n"
                                "Căn cứ Kế hoạch số 1927/KH-UBND ngày 11/4/2024 của Ủy ban nhân dân Thành phố;"))
    assert {k: r["relations"] for k, r in refs(rec).items()} == {
        "30/2020/NĐ-CP": ["based_on"], "1927/KH-UBND": ["based_on"]}


def test_title_thuc_hien_quyet_dinh_is_implements():
    rec = extract(plan(title="Thực hiện Quyết định số 2531/QĐ-UBND ngày 20 tháng 6 năm 2023 của Ủy ban nhân dân Thành "
                             "phố về ban hành Kế hoạch triển khai Chương trình hành động"))
    assert refs(rec) == {"2531/QĐ-UBND": {"alt_keys": [], "doc_type": "Quyết định", "date": "2023-06-20",
                                          "issuer": HCMC, "relations": ["implements"], "mentions": 1}}


def test_thuc_hien_clause_of_the_preamble_is_implements():
    rec = extract(plan(preamble="Thực hiện Kế hoạch số 1927/KH-UBND ngày 03/4/2023 của Ủy ban nhân dân Thành phố về "
                                "triển khai chuyển đổi số;"))
    assert ref(rec, "1927/KH-UBND")["relations"] == ["implements"]


def test_purpose_section_that_carries_out_a_document_implements_and_cites_it():
    rec = extract(plan(purpose="- Triển khai thực hiện hiệu quả Kế hoạch số 1927/KH-UBND ngày 03/4/2023 của Ủy ban "
                               "nhân dân Thành phố."))
    assert ref(rec, "1927/KH-UBND")["relations"] == ["implements", "cites"]


def test_citation_in_the_body_is_cites():
    rec = extract(plan(tasks="1. Tổ chức tập huấn\nBồi dưỡng giáo viên theo tiêu chuẩn tại Thông tư số "
                             "20/2018/TT-BGDĐT ngày 22/8/2018 của Bộ Giáo dục và Đào tạo."))
    assert ref(rec, "20/2018/TT-BGDĐT")["relations"] == ["cites"]


def test_based_on_and_body_mentions_accumulate_relations_in_schema_order():
    rec = extract(plan(preamble="Căn cứ Quyết định số 2531/QĐ-UBND ngày 20/6/2023 của Ủy ban nhân dân Thành phố;",
                       purpose="- Cụ thể hóa các nhiệm vụ triển khai thực hiện Quyết định số 2531/QĐ-UBND.",
                       tasks="1. Sơ kết việc thực hiện Quyết định số 2531/QĐ-UBND."))
    assert ref(rec, "2531/QĐ-UBND")["relations"] == ["based_on", "implements", "cites"]
    assert ref(rec, "2531/QĐ-UBND")["mentions"] == 3


DECISION = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HỒ CHÍ MINH
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 25/2024/QĐ-UBND
Thành phố Hồ Chí Minh, ngày 10 tháng 5 năm 2024

QUYẾT ĐỊNH
Sửa đổi, bổ sung một số điều của Quy định ban hành kèm theo Quyết định số 12/2012/QĐ-UBND ngày 05 tháng 3 năm 2012 của Ủy ban nhân dân Thành phố

ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH

Căn cứ Luật Tổ chức chính quyền địa phương ngày 19/6/2015;
Căn cứ Luật Ban hành văn bản quy phạm pháp luật ngày 22 tháng 6 năm 2015;
Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư;
Xét đề nghị của Giám đốc Sở Nội vụ tại Tờ trình số 471/TTr-SNV ngày 02/5/2024.

QUYẾT ĐỊNH:
Điều 1. Sửa đổi, bổ sung Điều 3 của Quy định ban hành kèm theo Quyết định số 12/2012/QĐ-UBND như sau.
Điều 2. Quyết định này thay thế Quyết định số 44/2014/QĐ-UBND ngày 10/10/2014 của Ủy ban nhân dân Thành phố.
Điều 3. Bãi bỏ Quyết định số 15/2014/QĐ-UBND ngày 02/4/2014 của Ủy ban nhân dân Thành phố.
Điều 4. Quyết định này có hiệu lực kể từ ngày 20 tháng 5 năm 2024.

TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Phan Văn Mãi
"""


def test_decision_that_amends_replaces_and_repeals_says_so_of_each_document():
    rec = extract(DECISION)
    assert {k: r["relations"] for k, r in refs(rec).items()} == {
        "12/2012/QĐ-UBND": ["amends", "cites"],
        "30/2020/NĐ-CP": ["based_on"],
        "471/TTr-SNV": ["cites"],
        "44/2014/QĐ-UBND": ["replaces", "cites"],
        "15/2014/QĐ-UBND": ["repeals", "cites"],
    }


def test_xet_de_nghi_tai_to_trinh_is_cites():
    rec = extract(DECISION)
    assert ref(rec, "471/TTr-SNV") == {"alt_keys": [], "doc_type": "Tờ trình", "date": "2024-05-02",
                                       "issuer": "Sở Nội vụ Thành phố Hồ Chí Minh", "relations": ["cites"],
                                       "mentions": 1}


def test_decision_header_gives_its_own_number_date_issuer_and_signer():
    doc = extract(DECISION)["document"]
    assert {k: doc[k] for k in ("doc_type", "number", "issued_date", "issuer", "signer", "signer_title")} == {
        "doc_type": "Quyết định", "number": "25/2024/QĐ-UBND", "issued_date": "2024-05-10", "issuer": HCMC,
        "signer": "Phan Văn Mãi", "signer_title": "Chủ tịch"}


def test_laws_cited_by_name_and_date_are_named_references_not_references():
    rec = extract(DECISION)
    assert [(n["doc_type"], n["title"], n["date"], n["relations"]) for n in rec["named_references"]] == [
        ("Luật", "Luật Tổ chức chính quyền địa phương", "2015-06-19", ["based_on"]),
        ("Luật", "Luật Ban hành văn bản quy phạm pháp luật", "2015-06-22", ["based_on"]),
    ]
    assert not any(r["doc_type"] == "Luật" for r in rec["references"])


def test_law_cited_with_its_number_is_a_reference_not_a_named_reference():
    rec = extract(plan(preamble="Căn cứ Luật Giáo dục số 43/2019/QH14 ngày 14 tháng 6 năm 2019;"))
    assert refs(rec) == {"43/2019/QH14": {"alt_keys": [], "doc_type": "Luật", "date": "2019-06-14",
                                          "issuer": "Quốc hội", "relations": ["based_on"], "mentions": 1}}
    assert rec["named_references"] == []


def test_citation_nested_in_a_title_citations_description_is_not_implemented_but_implied():
    rec = extract(plan(title="Thực hiện Quyết định số 2531/QĐ-UBND ngày 20 tháng 6 năm 2023 của Ủy ban nhân dân Thành "
                             "phố về ban hành Kế hoạch triển khai Chương trình hành động của Thành ủy thực hiện Nghị "
                             "quyết số 24-NQ/TW ngày 07 tháng 10 năm 2022 của Bộ Chính trị về phát triển vùng Đông "
                             "Nam Bộ"))
    assert {k: r["relations"] for k, r in refs(rec).items()} == {"2531/QĐ-UBND": ["implements"], "24-NQ/TW": []}
    assert implied(rec) == [("2531/QĐ-UBND", "24-NQ/TW", "implements")]


def test_citation_nested_in_a_can_cu_clause_is_based_on_and_gives_an_implied_relation():
    rec = extract(plan(preamble="Căn cứ Nghị quyết số 87/NQ-CP ngày 02 tháng 6 năm 2023 của Chính phủ về ban hành "
                                "Chương trình hành động của Chính phủ thực hiện Nghị quyết số 31-NQ/TW ngày 30 tháng "
                                "12 năm 2022 của Bộ Chính trị về phương hướng, nhiệm vụ phát triển Thành phố Hồ Chí "
                                "Minh;"))
    assert refs(rec) == {
        "87/NQ-CP": {"alt_keys": [], "doc_type": "Nghị quyết", "date": "2023-06-02", "issuer": "Chính phủ",
                     "relations": ["based_on"], "mentions": 1},
        "31-NQ/TW": {"alt_keys": [], "doc_type": "Nghị quyết", "date": "2022-12-30", "issuer": "Bộ Chính trị",
                     "relations": ["based_on"], "mentions": 1},
    }
    assert implied(rec) == [("87/NQ-CP", "31-NQ/TW", "implements")]


def test_document_that_amends_another_gives_an_implied_amends():
    rec = extract(plan(preamble="Căn cứ Quyết định số 44/2025/QĐ-UBND ngày 10/10/2025 của Ủy ban nhân dân Thành phố "
                                "sửa đổi, bổ sung Quyết định số 12/2012/QĐ-UBND ngày 05/3/2012 của Ủy ban nhân dân "
                                "Thành phố;"))
    assert implied(rec) == [("44/2025/QĐ-UBND", "12/2012/QĐ-UBND", "amends")]


def test_circular_that_guides_a_decree_gives_an_implied_guides():
    rec = extract(plan(preamble="Căn cứ Thông tư số 24/2025/TT-BGDĐT ngày 10/10/2025 của Bộ Giáo dục và Đào tạo hướng "
                                "dẫn thi hành Nghị định số 29/2024/NĐ-CP ngày 06/3/2024 của Chính phủ;"))
    assert implied(rec) == [("24/2025/TT-BGDĐT", "29/2024/NĐ-CP", "guides")]


def test_law_amended_by_two_later_laws_is_the_target_of_both():
    rec = extract(plan(preamble="Căn cứ Luật Đấu thầu số 22/2023/QH15 ngày 23/6/2023, được sửa đổi, bổ sung bởi Luật "
                                "số 57/2024/QH15 ngày 29/11/2024 và Luật số 90/2025/QH15 ngày 25/6/2025;"))
    assert sorted(implied(rec)) == [("57/2024/QH15", "22/2023/QH15", "amends"),
                                    ("90/2025/QH15", "22/2023/QH15", "amends")]


def test_type_word_huong_dan_is_not_a_verb():
    rec = extract(plan(purpose="- Triển khai thực hiện Hướng dẫn số 01/HD-SGDĐT ngày 04/01/2024 và Kế hoạch số "
                               "12/KH-UBND ngày 03/01/2024."))
    assert {k: r["relations"] for k, r in refs(rec).items()} == {
        "01/HD-SGDĐT": ["implements", "cites"], "12/KH-UBND": ["implements", "cites"]}


def test_document_coordinated_by_va_huong_dan_tai_is_implemented_too():
    rec = extract(plan(preamble="Thực hiện Công văn số 1234/UBND-VX ngày 02/3/2024 của Ủy ban nhân dân Thành phố và "
                                "hướng dẫn tại Công văn số 1512/SGDĐT-VP ngày 05/3/2024 của Sở Giáo dục và Đào tạo;"))
    assert implied(rec) == []
    assert ref(rec, "1512/SGDĐT-VP")["relations"] == ["implements"]


# =============================================================================================
# What is not a reference, and what is not a mention
# =============================================================================================


def test_document_own_number_is_not_a_reference():
    rec = extract(plan(preamble="Căn cứ Kế hoạch số 1927/KH-UBND ngày 11/4/2024 của Ủy ban nhân dân Thành phố;"))
    assert rec["document"]["number"] == "6526/KH-SGDĐT"
    assert list(refs(rec)) == ["1927/KH-UBND"]


def test_web_page_title_naming_the_document_itself_is_not_a_reference():
    text = ("Open navigation\n\nCông văn 6526/KH-SGDĐT ngày 15/11/2024 Thực hiện Quyết định 2531_QĐ-UBND về Kế hoạch "
            "triển khai\n\n" + plan(preamble="Căn cứ Quyết định số 2531/QĐ-UBND ngày 20/6/2023 của Ủy ban nhân dân "
                                             "Thành phố;"))
    rec = extract(text)
    assert rec["document"]["number"] == "6526/KH-SGDĐT"
    assert list(refs(rec)) == ["2531/QĐ-UBND"]
    assert ref(rec, "2531/QĐ-UBND")["relations"] == ["based_on"]


def test_a_time_limit_after_a_laws_name_is_not_the_laws_date():
    rec = extract(plan(tasks="1. Rà soát quy hoạch\nQuy hoạch quy định tại điểm c khoản 1 Điều 59 của Luật Quy hoạch "
                             "đã được quyết định hoặc phê duyệt trước ngày 01 tháng 01 năm 2019 được tiếp tục thực "
                             "hiện."))
    assert [n for n in rec["named_references"] if n["date"] == "2019-01-01" or "trước" in n["title"]] == []
    assert rec["references"] == []


def test_short_forms_are_not_counted_as_mentions():
    rec = extract(plan(preamble="Căn cứ Quy định số 377-QĐ/TW ngày 08/10/2025 của Bộ Chính trị về phân cấp quản lý "
                                "cán bộ;",
                       tasks="1. Quán triệt Quy định 377 và QĐ66 trong toàn ngành.\n"
                             "2. Thực hiện đúng Quy định số 377-QĐ/TW."))
    assert refs(rec) == {"377-QĐ/TW": {"alt_keys": [], "doc_type": "Quy định", "date": "2025-10-08",
                                       "issuer": "Bộ Chính trị", "relations": ["based_on", "cites"], "mentions": 2}}


# =============================================================================================
# Unicode
# =============================================================================================


def test_nfd_input_gives_the_same_record_as_nfc():
    text = plan(title="Thực hiện Quyết định số 2531/QĐ-UBND ngày 20 tháng 6 năm 2023 của Ủy ban nhân dân Thành phố về "
                      "ban hành Kế hoạch triển khai",
                preamble="Căn cứ Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị;\n"
                         "Căn cứ Chương trình hành động số 63-CTrHĐ/TU ngày 27/02/2025 của Thành ủy Thành phố Hồ Chí "
                         "Minh;",
                tasks="1. Đổi mới quản trị\n- Đơn vị chủ trì: Phòng Giáo dục Trung học.\n"
                      "- Đơn vị phối hợp: Phòng Tổ chức cán bộ.\n- Thời gian thực hiện: Quý IV năm 2024.")
    nfd = unicodedata.normalize("NFD", text)
    assert nfd != text
    a, b = extract(text), extract(nfd)
    assert b == a
    assert "63-CTrHĐ/TU" in refs(b)


# =============================================================================================
# Tasks and deadlines
# =============================================================================================

TASKS_WITH_FIELDS = """1. Tổ chức tập huấn chuyển đổi số cho giáo viên
- Đơn vị chủ trì: Phòng Giáo dục Trung học.
- Đơn vị phối hợp: Phòng Tổ chức cán bộ, Văn phòng Sở.
- Thời gian thực hiện: Quý 4 năm 2023 và Quý 1 năm 2024.
2. Xây dựng cơ sở dữ liệu ngành
- Đơn vị chủ trì: Văn phòng Sở.
- Thời gian thực hiện: Quý IV năm 2024.
3. Đánh giá kết quả thực hiện
- Đơn vị chủ trì: Phòng Kế hoạch - Tài chính.
- Thời gian thực hiện: năm 2024.
4. Nhân rộng mô hình
- Đơn vị chủ trì: Phòng Giáo dục Trung học.
- Thời gian thực hiện: sau khi được Ủy ban nhân dân Thành phố phê duyệt."""


def test_numbered_items_with_lead_support_and_deadline_fields_are_tasks():
    rec = extract(plan(tasks=TASKS_WITH_FIELDS))
    office = "Văn phòng Sở Giáo dục và Đào tạo"
    assert tasks_of(rec) == [
        {"label": "1", "title": "Tổ chức tập huấn chuyển đổi số cho giáo viên", "lead": ["Phòng Giáo dục Trung học"],
         "support": ["Phòng Tổ chức cán bộ", office], "executor": [],
         "deadline": "Quý 4 năm 2023 và Quý 1 năm 2024", "deadline_start": "2023-10-01", "deadline_end": "2024-03-31"},
        {"label": "2", "title": "Xây dựng cơ sở dữ liệu ngành", "lead": [office], "support": [], "executor": [],
         "deadline": "Quý IV năm 2024", "deadline_start": "2024-10-01", "deadline_end": "2024-12-31"},
        {"label": "3", "title": "Đánh giá kết quả thực hiện", "lead": ["Phòng Kế hoạch - Tài chính"], "support": [],
         "executor": [], "deadline": "năm 2024", "deadline_start": "2024-01-01", "deadline_end": "2024-12-31"},
        {"label": "4", "title": "Nhân rộng mô hình", "lead": ["Phòng Giáo dục Trung học"], "support": [],
         "executor": [], "deadline": "sau khi được Ủy ban nhân dân Thành phố phê duyệt", "deadline_start": None,
         "deadline_end": None},
    ]


def test_last_task_ends_before_the_signature_block():
    rec = extract(plan(tasks=TASKS_WITH_FIELDS, org=None))
    assert rec["tasks"][-1]["deadline"] == "sau khi được Ủy ban nhân dân Thành phố phê duyệt"


def test_lettered_fields_with_gaps_in_the_lettering_are_tolerated():
    rec = extract(plan(tasks="""1. Xây dựng Thành phố học tập
a) Nội dung: Phối hợp với các Sở, ngành xây dựng kế hoạch triển khai.
b) Đơn vị chủ trì tham mưu: Phòng Giáo dục thường xuyên – Chuyên nghiệp và Đại học.
d) Đơn vị phối hợp: Phòng Kế hoạch - Tài chính, Phòng Tổ chức cán bộ.
e) Thời gian thực hiện: sau khi Thành phố Hồ Chí Minh được công nhận.
2. Đào tạo nguồn nhân lực
a) Nội dung: Tổ chức đào tạo giáo viên.
c) Đơn vị thực hiện đề án: Đại học Quốc gia Thành phố Hồ Chí Minh.
d) Đơn vị phối hợp: Văn phòng Sở GDĐT và các Trường Đại học thuộc Hội đồng Hiệu trưởng.
đ) Thời gian thực hiện: Quý 4 năm 2023 và năm 2024."""))
    assert tasks_of(rec) == [
        {"label": "1", "title": "Xây dựng Thành phố học tập",
         "lead": ["Phòng Giáo dục thường xuyên - Chuyên nghiệp và Đại học"],
         "support": ["Phòng Kế hoạch - Tài chính", "Phòng Tổ chức cán bộ"], "executor": [],
         "deadline": "sau khi Thành phố Hồ Chí Minh được công nhận", "deadline_start": None, "deadline_end": None},
        {"label": "2", "title": "Đào tạo nguồn nhân lực", "lead": [],
         "support": ["Văn phòng Sở Giáo dục và Đào tạo", "Các trường đại học thuộc Hội đồng Hiệu trưởng"],
         "executor": ["Đại học Quốc gia Thành phố Hồ Chí Minh"],
         "deadline": "Quý 4 năm 2023 và năm 2024", "deadline_start": "2023-10-01", "deadline_end": "2024-12-31"},
    ]


TABLE = """Các nhiệm vụ cụ thể như sau:
STT
|
Nội dung
|
Cơ quan chủ trì
|
Cơ quan phối hợp
|
Thời gian
|
|
1
|
Tổ chức hội nghị quán triệt
|
Sở Giáo dục và Đào tạo
|
Sở Nội vụ
|
Quý I năm 2025
|
|
2
|
Kiểm tra, đánh giá kết quả
|
Sở Tài chính
|
Sở Giáo dục và Đào tạo, Sở Nội vụ
|
Tháng 12/2025
|
|
"""


def test_flattened_task_table_rows_become_tasks_labelled_by_row_number():
    rec = extract(plan(tasks=TABLE))
    assert tasks_of(rec) == [
        {"label": "1", "title": "Tổ chức hội nghị quán triệt", "lead": [SGDDT],
         "support": ["Sở Nội vụ Thành phố Hồ Chí Minh"], "executor": [], "deadline": "Quý I năm 2025",
         "deadline_start": "2025-01-01", "deadline_end": "2025-03-31"},
        {"label": "2", "title": "Kiểm tra, đánh giá kết quả", "lead": ["Sở Tài chính Thành phố Hồ Chí Minh"],
         "support": [SGDDT, "Sở Nội vụ Thành phố Hồ Chí Minh"], "executor": [], "deadline": "Tháng 12/2025",
         "deadline_start": "2025-12-01", "deadline_end": "2025-12-31"},
    ]


def test_numbered_subheadings_of_the_organisation_section_are_responsibilities():
    rec = extract(plan())
    assert [(r["unit"], r["label"]) for r in rec["responsibilities"]] == [
        ("Phòng Giáo dục Trung học", "1"), ("Văn phòng Sở Giáo dục và Đào tạo", "2")]


@pytest.mark.parametrize(
    "written, start, end",
    [
        ("Quý 4 năm 2023 và Quý 1 năm 2024", "2023-10-01", "2024-03-31"),
        ("Quý IV năm 2024", "2024-10-01", "2024-12-31"),
        ("Quý I, II năm 2025", "2025-01-01", "2025-06-30"),
        ("năm 2024", "2024-01-01", "2024-12-31"),
        ("Tháng 12/2025", "2025-12-01", "2025-12-31"),
        ("tháng 02 năm 2024", "2024-02-01", "2024-02-29"),
        ("6 tháng đầu năm 2025", "2025-01-01", "2025-06-30"),
        ("6 tháng cuối năm 2025", "2025-07-01", "2025-12-31"),
        ("Quý 4 năm 2023 và năm 2024", "2023-10-01", "2024-12-31"),
        ("trước ngày 10/12/2025", None, "2025-12-10"),
        ("sau khi Thành phố Hồ Chí Minh được công nhận", None, None),
        ("Thường xuyên", None, None),
        ("hằng năm", None, None),
    ],
)
def test_deadline_text_denotes_a_period(written, start, end):
    assert deadlines.period(written) == (start, end)


def test_quarter_without_a_year_takes_the_documents_year():
    assert deadlines.period("Quý III", 2024) == ("2024-07-01", "2024-09-30")


# =============================================================================================
# Letters and signatures
# =============================================================================================

TAX_LETTER = """BỘ TÀI CHÍNH
TỔNG CỤC THUẾ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 1414/TCT-CS
V/v chính sách hỗ trợ tiền sử dụng đất.
Hà Nội, ngày 04 tháng 05 năm 2013

Kính gửi: Cục Thuế các tỉnh, thành phố trực thuộc Trung ương.

Tổng cục Thuế nhận được Công văn số 15/UBND-KT ngày 02/4/2013 đề nghị hướng dẫn chính sách hỗ trợ tiền sử dụng đất. Tổng cục Thuế có ý kiến như sau:
- Tại khoản 5, Điều 2 Nghị định số 120/2010/NĐ-CP ngày 30/12/2010 của Chính phủ quy định về miễn, giảm tiền sử dụng đất.
Tổng cục Thuế thông báo để các Cục Thuế được biết.

Nơi nhận:
- Như trên;
- Lưu: VT, CS.
KT. TỔNG CỤC TRƯỞNG
PHÓ TỔNG CỤC TRƯỞNG
Cao Anh Tuấn
"""


def test_letter_header_gives_number_date_issuer_and_subject():
    doc = extract(TAX_LETTER)["document"]
    assert {k: doc[k] for k in ("doc_type", "number", "issued_date", "issuer", "signer", "title")} == {
        "doc_type": "Công văn", "number": "1414/TCT-CS", "issued_date": "2013-05-04", "issuer": "Tổng cục Thuế",
        "signer": "Cao Anh Tuấn", "title": "chính sách hỗ trợ tiền sử dụng đất"}


def test_citations_in_the_body_of_a_letter_without_sections_are_cites():
    rec = extract(TAX_LETTER)
    assert {k: r["relations"] for k, r in refs(rec).items()} == {
        "15/UBND-KT": ["cites"], "120/2010/NĐ-CP": ["cites"]}


def test_the_word_thue_in_a_tax_office_name_is_not_the_city_of_hue():
    rec = extract(TAX_LETTER)
    assert ref(rec, "15/UBND-KT")["issuer"] is None


@pytest.mark.parametrize(
    "lines, title",
    [
        ("TM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH", "Chủ tịch"),
        ("KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH", "Phó Chủ tịch"),
        ("KT. GIÁM ĐỐC\nPHÓ GIÁM ĐỐC", "Phó Giám đốc"),
        pytest.param("KT. TỔNG CỤC TRƯỞNG\nPHÓ TỔNG CỤC TRƯỞNG", "Phó Tổng cục trưởng"),
        pytest.param("TL. TỔNG CỤC TRƯỞNG\nKT. VỤ TRƯỞNG VỤ CHÍNH SÁCH\nPHÓ VỤ TRƯỞNG", "Phó Vụ trưởng"),
    ],
)
def test_signer_title_is_the_last_title_line_deputies_included(lines, title):
    text = TAX_LETTER.replace("KT. TỔNG CỤC TRƯỞNG\nPHÓ TỔNG CỤC TRƯỞNG", lines)
    doc = extract(text)["document"]
    assert (doc["signer"], doc["signer_title"]) == ("Cao Anh Tuấn", title)
