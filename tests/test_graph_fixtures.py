"""Shared fixtures for the graph tests: the seed corpus built once per session into a temp store,
and a hand-made pair of plans from two provinces. Other test modules import these fixtures."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import cli
from kg.store import SqliteBackend

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
_BUILT: dict[str, Path] = {}

PLAN = """ỦY BAN NHÂN DÂN
TỈNH {PROV_UP}
SỞ GIÁO DỤC VÀ ĐÀO TẠO

Số: {num}/KH-SGDĐT

{prov}, ngày 10 tháng 3 năm 2024

KẾ HOẠCH
Triển khai chuyển đổi số ngành giáo dục tỉnh {prov} năm 2024

Căn cứ Quyết định số 01/2024/QĐ-UBND ngày 05 tháng 01 năm 2024 của Ủy ban nhân dân tỉnh về quy định quản lý dữ liệu số;

Sở Giáo dục và Đào tạo ban hành Kế hoạch như sau:

I. MỤC ĐÍCH, YÊU CẦU
Triển khai hiệu quả Quyết định số 01/2024/QĐ-UBND.

II. NHIỆM VỤ
1. Xây dựng kho dữ liệu số
- Đơn vị chủ trì: Phòng Kế hoạch - Tài chính.
- Thời gian thực hiện: Quý II năm 2024.

III. TỔ CHỨC THỰC HIỆN
Các phòng thuộc Sở triển khai thực hiện Kế hoạch này.

Nơi nhận:
- Ủy ban nhân dân tỉnh;
- Lưu: VT.

GIÁM ĐỐC

{signer}
"""


def write_pair(folder: Path) -> Path:
    """Two plans of two provinces' education departments, both citing "01/2024/QĐ-UBND"."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bac_ninh.txt").write_text(PLAN.format(PROV_UP="BẮC NINH", prov="Bắc Ninh", num=100,
                                                     signer="Trần Văn An"), encoding="utf-8")
    (folder / "nam_dinh.txt").write_text(PLAN.format(PROV_UP="NAM ĐỊNH", prov="Nam Định", num=200,
                                                     signer="Lê Thị Bình"), encoding="utf-8")
    return folder


def build(paths, db: Path):
    res = CliRunner().invoke(cli, ["build", *map(str, paths), "--db", str(db)])
    assert res.exit_code == 0, res.output
    return res


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    """The seed corpus in a store, built once for the whole session (whichever module asks first)."""
    if "seed" not in _BUILT:
        d = tmp_path_factory.mktemp("seed")
        build([CORPUS], d / "kg.sqlite")
        _BUILT["seed"] = d / "kg.sqlite"
    return _BUILT["seed"]


@pytest.fixture(scope="session")
def pair_db(tmp_path_factory) -> Path:
    if "pair" not in _BUILT:
        d = tmp_path_factory.mktemp("pair")
        build([write_pair(d / "docs")], d / "kg.sqlite")
        _BUILT["pair"] = d / "kg.sqlite"
    return _BUILT["pair"]


@pytest.fixture
def backend(seed_db):
    b = SqliteBackend(seed_db)
    yield b
    b.close()


@pytest.fixture
def pair_backend(pair_db):
    b = SqliteBackend(pair_db)
    yield b
    b.close()


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A private copy of the seed corpus for tests that change files."""
    dst = tmp_path / "corpus"
    shutil.copytree(CORPUS, dst)
    return dst


def test_seed_store_is_built_once_and_readable(seed_db):
    b = SqliteBackend(seed_db)
    try:
        assert b.counts()["sources"] == 5
    finally:
        b.close()
