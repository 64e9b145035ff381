"""Two sources of one document are found through indexes (extract/same.py) exactly as the
rule written pair by pair (`_spec_link_same`, below) finds them: the same `same_as` on every record, for real documents and for
runs made to hit every branch of the rule (same number, conflicting issuers, near-copy titles with
and without numbers, types, empty titles, copies of the text), and without listing the pairs of
numbered records whose titles begin alike."""
from __future__ import annotations

import copy
import random
import re
from collections import defaultdict

import pytest
from rapidfuzz import fuzz

from extract.same import BLOCK_CHARS, link_same
from extract.citations import ident
from extract.units import fold
from kg.cli_extract import extract_many
from tests import shared_paths

CORPUS = shared_paths.CORPUS
DEV = shared_paths.DEV


def _spec_link_same(records: list[dict]) -> None:
    """The rule, pair by pair over every pair of a number or title block (quadratic in a block)."""
    keys = []
    blocks: dict[tuple, list[int]] = defaultdict(list)
    for i, r in enumerate(records):
        d = r["document"]
        num = ident(d["number"]) if d.get("number") else None
        title = fold(d.get("title") or "")
        year = (d.get("issued_date") or "")[:4] or next(iter(re.findall(r"^\d+/(\d{4})/", d.get("number") or "")), "")
        keys.append((num, title, d.get("doc_type"), fold(d.get("issuer") or ""), year))
        if num:
            blocks[("number", num)].append(i)
        if title:
            letters = "".join(ch for ch in title if ch.isalnum())
            blocks[("head", d.get("doc_type"), letters[:BLOCK_CHARS])].append(i)
            blocks[("tail", d.get("doc_type"), letters[-BLOCK_CHARS:])].append(i)
    pairs = {(g[x], g[y]) for g in blocks.values() if len(g) > 1 for x in range(len(g)) for y in range(x + 1, len(g))}

    def body(i: int) -> str:
        return fold(records[i].get("text", "")[:20000])

    for i, j in sorted(pairs):
        a, b = keys[i], keys[j]
        if a[0] and b[0] and a[0] != b[0]:
            continue  # two stated numbers that differ are two documents, however alike the text
        if a[3] and b[3] and a[3] != b[3]:
            continue  # so are two issuers
        if a[4] and b[4] and a[4] != b[4]:
            continue  # and two years: administrative numbers restart every year
        same = bool(a[0] and a[0] == b[0])
        if not same and a[1] and a[2] == b[2] and fuzz.ratio(a[1], b[1]) >= 95:
            same = fuzz.ratio(body(i)[:6000], body(j)[:6000]) >= 80 or fuzz.partial_ratio(body(i)[:3000], body(j)) >= 90
        if same:
            for x, y in ((i, j), (j, i)):
                if not records[x]["document"].get("same_as"):
                    records[x]["document"]["same_as"] = records[y]["file"]


def _same_as(records):
    return [r["document"].get("same_as") for r in records]


def _both(records):
    a, b = copy.deepcopy(records), copy.deepcopy(records)
    _spec_link_same(a)
    link_same(b)
    return _same_as(a), _same_as(b)


@pytest.fixture(scope="module")
def real_records():
    files = sorted(CORPUS.glob("*.txt")) + (sorted(DEV.glob("*.txt"))[:30] if DEV.is_dir() else [])
    records, _ = extract_many(files, workers=1)
    for r in records:
        r["document"]["same_as"] = None
    return records


def test_real_documents_and_their_copies_get_the_same_links(real_records):
    recs = copy.deepcopy(real_records)
    for r in real_records[:8]:  # copies under other names, one without its number
        twin = copy.deepcopy(r)
        twin["file"] = "copy_" + r["file"]
        recs.append(twin)
    bare = copy.deepcopy(real_records[5])
    bare["file"] = "bare.txt"
    bare["document"]["number"] = None
    recs.append(bare)
    random.Random(3).shuffle(recs)
    expect, got = _both(recs)
    assert got == expect
    assert sum(x is not None for x in got) >= 10  # the run does link documents


TITLES = ["Kế hoạch triển khai chuyển đổi số ngành giáo dục năm 2024",
          "Kế hoạch triển khai chuyển đổi số ngành giáo dục năm 2025",
          "Ke hoach trien khai chuyen doi so nganh giao duc nam 2024",
          "Quyết định ban hành quy chế quản lý dữ liệu số của tỉnh",
          "Quyết định ban hành quy chế quản lý dữ liệu số của tỉnh.",
          "Kế hoạch", ""]
TEXTS = ["Căn cứ Luật Tổ chức chính quyền địa phương; " * 40,
         "Căn cứ Luật Tổ chức chính quyền địa phương; " * 39 + "Căn cứ Nghị định số 01/2024/NĐ-CP;",
         "Thực hiện Chỉ thị số 16/CT-TTg về tăng cường năng lực tiếp cận cách mạng công nghiệp lần thứ tư. " * 30]


def _synthetic(rng: random.Random, n: int) -> list[dict]:
    recs = []
    for i in range(n):
        title = rng.choice(TITLES)
        if title and rng.random() < 0.3:  # a near copy: one character dropped or doubled
            k = rng.randrange(len(title))
            title = title[:k] + title[k + 1:] if rng.random() < 0.5 else title[:k] + title[k] + title[k:]
        text = rng.choice(TEXTS)
        if rng.random() < 0.3:
            text = text[rng.randrange(50):]
        recs.append({"file": f"f{i:03d}.txt", "text": text, "document": {
            "number": rng.choice([None, None, "01/2024/QĐ-UBND", "1/2024/QD-UBND", "02/KH-SGDĐT", "57-NQ/TW"]),
            "issuer": rng.choice([None, "Ủy ban nhân dân tỉnh Bắc Ninh", "Ủy ban nhân dân tỉnh Nam Định",
                                  "UỶ BAN NHÂN DÂN TỈNH BẮC NINH"]),
            "doc_type": rng.choice([None, "Kế hoạch", "Quyết định"]),
            "issued_date": rng.choice([None, None, "2024-03-01", "2024-11-30", "2025-03-01"]),
            "title": title or None, "same_as": None}})
    return recs


@pytest.mark.parametrize("seed", range(12))
def test_runs_that_hit_every_branch_of_the_rule_get_the_same_links(seed):
    recs = _synthetic(random.Random(seed), 40)
    expect, got = _both(recs)
    assert got == expect
    assert any(expect)


def test_the_first_linked_record_is_the_one_named():
    """same_as names the first record of the run that is the same document, before or after."""
    recs = _synthetic(random.Random(0), 3)
    for r in recs:
        r["document"].update(number="5/KH-UBND", issuer=None)
    link_same(recs)
    assert _same_as(recs) == ["f001.txt", "f000.txt", "f000.txt"]


def test_one_number_of_one_issuer_in_two_years_is_two_documents():
    """Administrative numbers restart every year: "5/KH-UBND" of 2023 and of 2024 from one committee
    are two plans; the same number in the same year, or with one date unknown, is one."""
    def rec(i, date, number="5/KH-UBND"):
        return {"file": f"y{i}.txt", "text": "Căn cứ Luật Tổ chức chính quyền địa phương; " * 20, "document": {
            "number": number, "issuer": "Ủy ban nhân dân tỉnh Bắc Ninh", "doc_type": "Kế hoạch",
            "issued_date": date, "title": "Kế hoạch triển khai chuyển đổi số", "same_as": None}}

    recs = [rec(0, "2023-02-01"), rec(1, "2024-02-01"), rec(2, "2024-05-09"), rec(3, None)]
    link_same(recs)
    assert _same_as(recs) == ["y3.txt", "y2.txt", "y1.txt", "y0.txt"]
    # the year a normative symbol prints counts when the date is unknown; a record without a number
    # is not the same document as one of another year however alike its title and text
    recs = [rec(0, None, "12/2023/QĐ-UBND"), rec(1, "2024-01-05", "12/2024/QĐ-UBND"),
            rec(2, "2025-01-05", None), rec(3, "2023-06-01", None)]
    link_same(recs)
    assert _same_as(recs) == ["y3.txt", None, None, "y0.txt"]


def test_numbered_records_whose_titles_begin_alike_are_not_paired():
    """10,000 numbered plans titled alike: link_same lists ~50 million pairs of one title block;
    here the numbers decide and no title pair is looked at."""
    import time

    recs = [{"file": f"p{i:05d}.txt", "text": "", "document": {
        "number": f"{i}/KH-UBND", "issuer": "Ủy ban nhân dân tỉnh Bắc Ninh", "doc_type": "Kế hoạch",
        "title": f"Triển khai thực hiện kế hoạch số {i} về chuyển đổi số", "same_as": None}} for i in range(10_000)]
    t0 = time.perf_counter()
    link_same(recs)
    assert time.perf_counter() - t0 < 20
    assert not any(_same_as(recs))


@pytest.mark.parametrize("workers, with_text", [(1, False), (2, True)])
def test_kg_extract_json_is_json_dumps_of_the_records_to_the_byte(tmp_path, workers, with_text):
    """`kg extract --json` serialises each record where it is extracted (a worker) and sets same_as
    after the run: its output must be what json.dumps of extract_many's records gives, same_as
    included (seeds 000 and 001), with a skipped input among them and enough files for workers."""
    import io
    import json

    from kg.cli_extract import PARALLEL_MIN_FILES, public, write_json_array

    files = sorted(CORPUS.glob("*.txt"))
    for n in range(PARALLEL_MIN_FILES // len(files) + 1):  # copies under other names: links among them too
        for f in files:
            (tmp_path / f"c{n}_{f.name}").write_bytes(f.read_bytes())
    (tmp_path / "empty.txt").write_bytes(b"")
    paths = [*files, tmp_path]
    records, bad = extract_many(paths, workers=workers)
    expected = "[" + ",\n".join(json.dumps(public(r, with_text), ensure_ascii=False) for r in records) + "]\n"
    out = io.StringIO()
    assert write_json_array(paths, out, with_text=with_text, workers=workers) == bad
    assert [p for p, _ in bad] == [str(tmp_path / "empty.txt")]
    assert out.getvalue() == expected
    got = json.loads(out.getvalue())
    assert got[0]["document"]["same_as"] == "001_2e8f673e01760864.txt" and ("text" in got[0]) == with_text
