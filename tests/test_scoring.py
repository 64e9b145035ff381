"""Rules of the gold scorer, checked on the real gold files and small perturbations."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest

from tests import shared_paths
from extract.scoring import (
    CATEGORIES,
    Counts,
    Report,
    normalize_key,
    normalize_unit,
    score_corpus,
    score_file,
    units_match,
)


def _gold_dir() -> Path | None:
    candidates = [
        os.environ.get("KG_GOLD_DIR"),
        Path(__file__).resolve().parent.parent / "gold",
        shared_paths.GOLD,
    ]
    for c in candidates:
        if c and Path(c).is_dir() and any(Path(c).glob("*.json")):
            return Path(c)
    return None


GOLD_DIR = _gold_dir()
pytestmark = pytest.mark.skipif(GOLD_DIR is None, reason="gold annotations not found")

F000 = "000_120ec0c87304a959.json"  # tasks with units, deadlines, executor
F001 = "001_2e8f673e01760864.json"  # document with number and date
F003 = "003_f5ffa53c17f34042.json"  # footnotes with alt_refs / title_refs, state-form Party key
F004 = "004_866d70e48e852e47.json"  # responsibilities, units


def load(name: str) -> dict:
    with open(GOLD_DIR / name, encoding="utf-8") as fh:
        return json.load(fh)


def counts(scores: dict[str, Counts], category: str) -> tuple[int, int, int]:
    c = scores[category]
    return (c.tp, c.fp, c.fn)


def ref(doc: dict, key: str) -> dict:
    return next(r for r in doc["references"] if r["key"] == key)


def footnote(doc: dict, n: int) -> dict:
    return next(f for f in doc["footnotes"] if f["n"] == n)


def task(doc: dict, label: str) -> dict:
    return next(t for t in doc["tasks"] if t["label"] == label)


def gold_files() -> list[str]:
    return sorted(p.name for p in GOLD_DIR.glob("*.json")) if GOLD_DIR else []


# ---------------------------------------------------------------- identity


@pytest.mark.parametrize("name", gold_files())
def test_every_gold_file_scored_against_itself_is_perfect_in_every_category(name):
    gold = load(name)
    scores = score_file(gold, copy.deepcopy(gold))
    assert set(scores) == set(CATEGORIES)
    for category, c in scores.items():
        assert (c.fp, c.fn) == (0, 0), category
        assert c.precision == c.recall == c.f1 == 1.0, category


def test_self_score_counts_every_gold_item_exactly_once():
    g3 = load(F003)
    s3 = score_file(g3, copy.deepcopy(g3))
    assert counts(s3, "references") == (23, 0, 0)
    assert counts(s3, "relations") == (26, 0, 0)
    assert counts(s3, "footnotes") == (17, 0, 0)
    assert counts(s3, "footnote_anchors") == (11, 0, 0)
    assert counts(s3, "tasks") == (8, 0, 0)
    assert counts(s3, "units") == (13, 0, 0)
    g0 = load(F000)
    s0 = score_file(g0, copy.deepcopy(g0))
    assert counts(s0, "task_units") == (36, 0, 0)
    assert counts(s0, "deadlines") == (11, 0, 0)
    assert counts(s0, "document") == (6, 0, 0)
    assert counts(s0, "implied") == (3, 0, 0)


def test_a_category_with_nothing_to_score_is_perfect():
    assert Counts().precision == Counts().recall == Counts().f1 == 1.0


def test_precision_recall_and_f1_follow_from_the_counts():
    c = Counts(tp=3, fp=1, fn=0)
    assert (c.precision, c.recall) == (0.75, 1.0)
    assert c.f1 == pytest.approx(6 / 7)
    only_missed = Counts(tp=0, fp=0, fn=3)
    assert (only_missed.precision, only_missed.recall, only_missed.f1) == (0.0, 0.0, 0.0)


# ---------------------------------------------------------------- keys


def test_key_comparison_ignores_letter_case():
    assert normalize_key("2531/qđ-ubnd") == normalize_key("2531/QĐ-UBND")


def test_underscore_in_a_web_file_name_key_is_read_as_a_slash():
    assert normalize_key("2531_QĐ-UBND") == normalize_key("2531/QĐ-UBND")


def test_stray_spaces_inside_a_key_are_ignored():
    assert normalize_key("31- NQ/TW") == normalize_key("31-NQ/TW")


def test_party_symbol_in_state_form_matches_its_party_key():
    assert normalize_key("04/CT-TW") == normalize_key("04-CT/TW")
    assert normalize_key("63/CTrHĐ-TU") == normalize_key("63-CTrHĐ/TU")


def test_state_symbol_is_not_rewritten_into_party_form():
    assert normalize_key("12/CT-UBND") != normalize_key("12-CT/UBND")
    assert normalize_key("6526/KH-SGDĐT") == "6526/kh-sgdđt"


@pytest.mark.parametrize("spelling", ["2531/qđ-ubnd", "2531_QĐ-UBND", "2531/QĐ - UBND"])
def test_predicted_key_spelled_differently_still_matches_the_gold_reference(spelling):
    gold = load(F000)
    pred = copy.deepcopy(gold)
    ref(pred, "2531/QĐ-UBND")["key"] = spelling
    for rel in pred["implied_relations"]:
        if rel["from"] == "2531/QĐ-UBND":
            rel["from"] = spelling
    scores = score_file(gold, pred)
    assert counts(scores, "references") == (4, 0, 0)
    assert counts(scores, "relations") == (8, 0, 0)
    assert counts(scores, "implied") == (3, 0, 0)


def test_party_key_predicted_for_a_state_form_gold_key_matches_in_references_and_footnotes():
    gold = load(F003)
    pred = copy.deepcopy(gold)
    ref(pred, "04/CT-TW")["key"] = "04-CT/TW"
    footnote(pred, 2)["refs"] = ["04-CT/TW"]
    scores = score_file(gold, pred)
    assert counts(scores, "references") == (23, 0, 0)
    assert counts(scores, "footnotes") == (17, 0, 0)


def test_predicted_key_matches_a_gold_alt_key():
    gold = load(F000)
    ref(gold, "87/NQ-CP")["alt_keys"] = ["87/NQ-CP-2023"]
    pred = copy.deepcopy(gold)
    ref(pred, "87/NQ-CP")["key"] = "87/NQ-CP-2023"
    for rel in pred["implied_relations"]:
        if rel["from"] == "87/NQ-CP":
            rel["from"] = "87/NQ-CP-2023"
    scores = score_file(gold, pred)
    assert counts(scores, "references") == (4, 0, 0)
    assert counts(scores, "relations") == (8, 0, 0)
    assert counts(scores, "implied") == (3, 0, 0)


# ---------------------------------------------------------------- references


def test_dropping_one_reference_is_exactly_one_false_negative():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    pred["references"] = [r for r in pred["references"] if r["key"] != "87/NQ-CP"]
    scores = score_file(gold, pred)
    assert counts(scores, "references") == (3, 0, 1)
    assert scores["references"].recall == 0.75
    assert scores["references"].precision == 1.0
    assert counts(scores, "relations") == (7, 0, 1)
    # attributes are only scored on matched references
    assert counts(scores, "mentions") == (3, 0, 0)
    assert counts(scores, "ref_dates") == (3, 0, 0)
    assert counts(scores, "ref_issuers") == (3, 0, 0)


def test_duplicated_predicted_reference_cannot_match_twice():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    pred["references"].append(copy.deepcopy(ref(gold, "24-NQ/TW")))
    scores = score_file(gold, pred)
    assert counts(scores, "references") == (4, 1, 0)
    assert counts(scores, "mentions") == (4, 0, 0)


def test_wrong_mention_count_is_one_false_positive_and_one_false_negative():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    ref(pred, "2531/QĐ-UBND")["mentions"] = 6
    scores = score_file(gold, pred)
    assert counts(scores, "mentions") == (3, 1, 1)
    assert counts(scores, "references") == (4, 0, 0)


def test_relations_are_scored_as_key_relation_pairs():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    ref(pred, "2531/QĐ-UBND")["relations"] = ["based_on", "implements", "amends"]
    assert counts(score_file(gold, pred), "relations") == (7, 1, 1)


def test_wrong_reference_date_is_fp_and_fn_but_a_missing_one_is_only_fn():
    gold = load(F000)
    wrong = copy.deepcopy(gold)
    ref(wrong, "2531/QĐ-UBND")["date"] = "2023-06-21"
    assert counts(score_file(gold, wrong), "ref_dates") == (3, 1, 1)
    missing = copy.deepcopy(gold)
    ref(missing, "2531/QĐ-UBND")["date"] = None
    assert counts(score_file(gold, missing), "ref_dates") == (3, 0, 1)


def test_reference_issuer_is_compared_as_a_unit_name():
    gold = load(F000)
    shouted = copy.deepcopy(gold)
    ref(shouted, "2531/QĐ-UBND")["issuer"] = "ỦY BAN NHÂN DÂN THÀNH PHỐ HỒ CHÍ MINH."
    assert counts(score_file(gold, shouted), "ref_issuers") == (4, 0, 0)
    wrong = copy.deepcopy(gold)
    ref(wrong, "2531/QĐ-UBND")["issuer"] = "Chính phủ"
    assert counts(score_file(gold, wrong), "ref_issuers") == (3, 1, 1)


def test_implied_relation_in_the_wrong_direction_is_fp_and_fn():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    first = pred["implied_relations"][0]
    first["from"], first["to"] = first["to"], first["from"]
    assert counts(score_file(gold, pred), "implied") == (2, 1, 1)


# ---------------------------------------------------------------- footnotes


def test_extra_footnote_ref_that_is_in_alt_refs_is_not_penalised():
    gold = load(F003)
    pred = copy.deepcopy(gold)
    footnote(pred, 5)["refs"].append("4439/KH-UBND")
    footnote(pred, 6)["refs"].append("4439/KH-UBND")
    assert counts(score_file(gold, pred), "footnotes") == (17, 0, 0)


def test_footnote_ref_that_gold_lists_as_title_ref_is_not_penalised():
    gold = load(F003)
    pred = copy.deepcopy(gold)
    footnote(pred, 5)["refs"].append("2176/KH-UBND")
    assert counts(score_file(gold, pred), "footnotes") == (17, 0, 0)


def test_alt_ref_placed_in_a_footnote_that_does_not_allow_it_is_a_false_positive():
    gold = load(F003)
    pred = copy.deepcopy(gold)
    footnote(pred, 7)["refs"].append("4439/KH-UBND")
    assert counts(score_file(gold, pred), "footnotes") == (17, 1, 0)


def test_missing_footnote_costs_all_its_refs_and_its_anchor():
    gold = load(F003)
    pred = copy.deepcopy(gold)
    pred["footnotes"] = [f for f in pred["footnotes"] if f["n"] != 9]
    scores = score_file(gold, pred)
    assert counts(scores, "footnotes") == (11, 0, 6)
    assert counts(scores, "footnote_anchors") == (10, 0, 1)


def test_footnote_anchor_matches_when_one_ends_with_the_other():
    gold = load(F003)
    longer = copy.deepcopy(gold)
    footnote(longer, 1)["anchor"] = "hội nhập  Quốc tế"
    assert counts(score_file(gold, longer), "footnote_anchors") == (11, 0, 0)
    other = copy.deepcopy(gold)
    footnote(other, 1)["anchor"] = "quốc gia"
    assert counts(score_file(gold, other), "footnote_anchors") == (10, 1, 1)


# ---------------------------------------------------------------- tasks


def test_slightly_reworded_task_title_still_matches():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    task(pred, "1")["title"] = (
        "Tổ chức đào tạo nguồn nhân lực chất lượng cao tiệm cận trình độ quốc tế, "
        "thích ứng với quá trình chuyển đổi số và đổi mới sáng tạo của Thành phố"
    )
    assert counts(score_file(gold, pred), "tasks") == (6, 0, 0)


def test_dissimilar_task_title_under_a_matching_label_is_fp_and_fn():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    task(pred, "1")["title"] = "Kiểm tra công tác tuyển sinh đầu cấp"
    assert counts(score_file(gold, pred), "tasks") == (5, 1, 1)


def test_tasks_are_matched_by_label_and_only_matched_tasks_score_units_and_deadlines():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    extra = pred["tasks"].pop()  # label "6": 5 unit items, 2 deadline items
    extra["label"] = "7"
    pred["tasks"].append(extra)
    scores = score_file(gold, pred)
    assert counts(scores, "tasks") == (5, 1, 1)
    assert counts(scores, "task_units") == (31, 0, 0)
    assert counts(scores, "deadlines") == (9, 0, 0)


def test_en_dash_unit_name_matches_the_hyphen_spelling():
    assert normalize_unit("Phòng Kế hoạch – Tài chính") == normalize_unit("Phòng Kế hoạch - Tài chính")
    assert units_match("Phòng Kế hoạch – Tài chính", "Phòng Kế hoạch - Tài chính")
    gold = load(F000)
    pred = copy.deepcopy(gold)
    for t in pred["tasks"]:
        t["support"] = [u.replace(" - ", " – ") for u in t["support"]]
        t["lead"] = [u.replace(" - ", "–") for u in t["lead"]]
    assert counts(score_file(gold, pred), "task_units") == (36, 0, 0)


def test_units_differing_in_one_meaningful_word_do_not_match():
    assert not units_match("Phòng Giáo dục Tiểu học", "Phòng Giáo dục Trung học")


def test_wrong_and_missing_task_units_are_scored_per_role():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    task(pred, "1")["lead"] = ["Phòng Giáo dục Trung học"]
    task(pred, "1")["support"] = task(pred, "1")["support"][:-1]
    assert counts(score_file(gold, pred), "task_units") == (34, 1, 2)


def test_predicted_executor_is_ignored_unless_the_gold_task_has_an_executor():
    gold = load(F000)
    extra = copy.deepcopy(gold)
    task(extra, "1")["executor"] = ["Đại học Quốc gia Thành phố Hồ Chí Minh"]
    assert counts(score_file(gold, extra), "task_units") == (36, 0, 0)
    missing = copy.deepcopy(gold)
    del task(missing, "6")["executor"]
    assert counts(score_file(gold, missing), "task_units") == (35, 0, 1)


def test_deadline_text_is_compared_ignoring_case_and_spacing():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    task(pred, "1")["deadline"] = "quý 4 năm  2023 và QUÝ 1 năm 2024"
    assert counts(score_file(gold, pred), "deadlines") == (11, 0, 0)


def test_wrong_deadline_is_fp_and_fn_and_a_missing_one_is_only_fn():
    gold = load(F000)
    wrong = copy.deepcopy(gold)
    task(wrong, "1")["deadline"] = "Quý 4 năm 2023"
    task(wrong, "1")["deadline_end"] = "2023-12-31"
    assert counts(score_file(gold, wrong), "deadlines") == (9, 2, 2)
    missing = copy.deepcopy(gold)
    for field in ("deadline", "deadline_start", "deadline_end"):
        task(missing, "1")[field] = None
    assert counts(score_file(gold, missing), "deadlines") == (9, 0, 2)


def test_deadline_predicted_where_gold_has_none_is_a_false_positive():
    gold = load(F003)
    pred = copy.deepcopy(gold)
    task(pred, "2.1")["deadline"] = "năm 2024"
    assert counts(score_file(gold, pred), "deadlines") == (0, 1, 0)


# ---------------------------------------------------------------- units, responsibilities, document


def test_responsibility_labels_are_not_scored_only_units():
    gold = load(F004)
    relabelled = copy.deepcopy(gold)
    for r in relabelled["responsibilities"]:
        r["label"] = None
    assert counts(score_file(gold, relabelled), "responsibilities") == (5, 0, 0)
    dropped = copy.deepcopy(gold)
    dropped["responsibilities"].pop()
    assert counts(score_file(gold, dropped), "responsibilities") == (4, 0, 1)


def test_one_predicted_unit_cannot_match_two_gold_units():
    gold = load(F004)
    pred = copy.deepcopy(gold)
    pred["units"]["Phòng Kế hoạch Tài chính"] = ["Phòng Kế hoạch Tài chính"]
    assert counts(score_file(gold, pred), "units") == (19, 1, 0)
    gold_twice = copy.deepcopy(gold)
    gold_twice["units"]["Phòng Kế hoạch Tài chính"] = []
    assert counts(score_file(gold_twice, copy.deepcopy(gold)), "units") == (19, 0, 1)


def test_document_fields_are_compared_after_normalisation():
    gold = load(F001)
    pred = copy.deepcopy(gold)
    doc = pred["document"]
    doc["number"] = "6526/kh-sgdđt"
    doc["title"] = doc["title"].lower()
    doc["issuer"] = "SỞ GIÁO DỤC VÀ ĐÀO TẠO THÀNH PHỐ HỒ CHÍ MINH"
    doc["signer_title"] = "giám  đốc"
    assert counts(score_file(gold, pred), "document") == (8, 0, 0)


def test_document_field_gold_leaves_null_but_prediction_fills_is_a_false_positive():
    gold = load(F000)
    pred = copy.deepcopy(gold)
    pred["document"]["number"] = "6526/KH-SGDĐT"
    pred["document"]["signer"] = "Nguyễn Văn Hải"
    assert counts(score_file(gold, pred), "document") == (5, 2, 1)


# ---------------------------------------------------------------- corpus report


def test_corpus_score_sums_counts_over_files_and_keeps_each_file():
    g0, g3 = load(F000), load(F003)
    p3 = copy.deepcopy(g3)
    p3["references"] = [r for r in p3["references"] if r["key"] != "1512/SGDĐT-VP"]
    report = score_corpus([(g0, copy.deepcopy(g0)), (g3, p3)])
    assert isinstance(report, Report)
    assert list(report.files) == [g0["file"], g3["file"]]
    assert counts(report.files[g0["file"]], "references") == (4, 0, 0)
    assert counts(report.files[g3["file"]], "references") == (22, 0, 1)
    assert counts(report.overall, "references") == (26, 0, 1)
    assert counts(report.overall, "footnotes") == (17, 0, 0)


def test_report_json_is_plain_data_with_scores_per_category():
    g0 = load(F000)
    report = score_corpus([(g0, copy.deepcopy(g0))])
    data = json.loads(json.dumps(report.to_json()))
    assert set(data) == {"overall", "files"}
    assert set(data["overall"]) == set(CATEGORIES)
    assert data["overall"]["references"] == {
        "tp": 4, "fp": 0, "fn": 0, "precision": 1.0, "recall": 1.0, "f1": 1.0,
    }
    assert data["files"][g0["file"]]["tasks"]["tp"] == 6


def test_table_lists_every_category_with_its_scores():
    g0 = load(F000)
    pred = copy.deepcopy(g0)
    pred["references"].pop()
    text = score_corpus([(g0, pred)]).table()
    rows = {line.split()[0]: line.split() for line in text.splitlines()[3:]}
    assert set(rows) == set(CATEGORIES)
    assert rows["references"] == ["references", "1.000", "0.750", "0.857", "3", "0", "1"]
