"""Crash safety of the store (issue 6): whatever kills `kg build`, the store opens, passes SQLite's
integrity check and holds exactly the state before the run or after it; readers query while an
ingest runs and always get a whole answer of one state.

* every step of an ingest: a forked child ingests and SIGKILLs itself just before the n-th
  statement the store sends to SQLite (spread over the whole run), just before COMMIT and just
  after it; deterministic, a few seconds;
* a large `kg build` (BIGDIR: copies of the seeds and of corpus-dev under distinct names) killed
  with SIGKILL at seeded random times spread over the run: during extraction, after the store is
  opened (the write transaction is open while the graph is rebuilt), while pages go to the WAL and
  around COMMIT; after the last kill the same build is run to the end and must give the after-state;
* readers: `kg stats --json` and `kg search --json` in a loop while an ingest runs;
* the journal files: a store left with a hot rollback journal (by a killed writer of the
  rollback-journal era) and a store in a folder the reader cannot write both answer queries.

The logical state of a store is a hash of the sorted rows of every table (the FTS index's own
tables included) and of its schema version; "before" is the base store, "after" the base store
with BIGDIR ingested by an uninterrupted run. Results are tabulated in docs/robustness.md; run
with `-s` to see the kill table of the large build.
"""
from __future__ import annotations

import hashlib
import json
import os
import pickle
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

import queries as Q
from kg.cli_extract import extract_many
from kg.store import SqliteBackend, Store
from tests.test_graph_fixtures import write_pair
from tests import shared_paths

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DEV = Path(os.environ.get("KG_CRASH_DEV", str(shared_paths.DEV)))
COPIES = int(os.environ.get("KG_CRASH_COPIES", "4"))
KG = [sys.executable, "-c", "from kg.cli import main; main()"]
SEED = 20250606

# --------------------------------------------------------------------------------------------------
# helpers shared with the other robustness tests
# --------------------------------------------------------------------------------------------------


def kg(*args, db=None, env=None, timeout=600) -> subprocess.CompletedProcess:
    argv = [*KG, *map(str, args)] + (["--db", str(db)] if db else [])
    return subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


def logical_state(db: Path) -> str:
    """Hash of the schema version and the sorted rows of every table (FTS shadow tables included)."""
    conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    try:
        h = hashlib.sha256()
        h.update(str(conn.execute("PRAGMA user_version").fetchone()[0]).encode())
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name")]
        for t in tables:
            h.update(f"\x00table {t}\x00".encode())
            for row in sorted(repr(tuple(r)) for r in conn.execute(f'SELECT * FROM "{t}"')):
                h.update(row.encode("utf-8", "surrogatepass"))
                h.update(b"\n")
        return h.hexdigest()
    finally:
        conn.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(f"{Path(db).resolve().as_uri()}?mode=ro", uri=True)
    try:
        return "; ".join(r[0] for r in conn.execute("PRAGMA integrity_check"))
    finally:
        conn.close()


def copy_store(src: Path, dst: Path) -> Path:
    """Copy a closed store (its committed state is in the main file after a clean close)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{dst}{suffix}").unlink(missing_ok=True)
    shutil.copy(src, dst)
    return dst


def stats_json(db: Path) -> dict:
    b = SqliteBackend(db)
    try:
        return Q.stats(b)
    finally:
        b.close()


def run_as_nobody(fn):
    """fn() in a forked child running as uid/gid 65534; returns ("ok", value) or ("error", text)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            out = ["ok", fn()]
        except BaseException as e:  # noqa: BLE001 - reported to the parent
            out = ["error", f"{type(e).__name__}: {e}"]
        with os.fdopen(w, "w") as f:
            json.dump(out, f)
        os._exit(0)
    os.close(w)
    with os.fdopen(r) as f:
        data = f.read()
    os.waitpid(pid, 0)
    return tuple(json.loads(data)) if data else ("error", "child died")


def world_readable_tmp() -> Path:
    d = Path(tempfile.mkdtemp(prefix="kg-robust-"))
    d.chmod(0o755)
    return d


# --------------------------------------------------------------------------------------------------
# WAL mode and snapshots (in process)
# --------------------------------------------------------------------------------------------------

def test_the_store_is_in_wal_mode_and_a_reader_keeps_one_snapshot(tmp_path):
    db = tmp_path / "kg.sqlite"
    files = sorted(CORPUS.glob("*.txt"))
    with Store(db) as s:
        s.ingest(extract_many(files[:3])[0])
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    b = SqliteBackend(db)
    try:
        first = b.counts()
        assert first["sources"] == 3
        # an ingest commits while the reader is open: the writer is not blocked...
        with Store(db) as s:
            res = s.ingest(extract_many(files)[0])
        assert len(res.added) == 2
        # ...and the reader goes on seeing its snapshot, whole
        assert b.counts() == first
        assert Q.stats(b)["sources"] == 3
        b.refresh()
        assert b.counts()["sources"] == 5
    finally:
        b.close()
    with SqliteBackend(db) as fresh:
        assert fresh.counts()["sources"] == 5


def test_a_full_disk_during_an_ingest_leaves_the_store_as_it_was(small, monkeypatch, tmp_path):
    """SQLITE_FULL midway (the file may not grow): one line, exit 4, the previous state intact."""
    _, base, _, rec_file, _ = small
    db = copy_store(base, tmp_path / "full.sqlite")
    before = logical_state(db)
    real_init = Store.__init__

    def tight(self, path):
        real_init(self, path)
        pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
        self.conn.execute(f"PRAGMA max_page_count = {pages + 20}")
    monkeypatch.setattr(Store, "__init__", tight)
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs)
    from click.testing import CliRunner
    from kg.cli import cli
    res = CliRunner().invoke(cli, ["build", str(docs), "--db", str(db)])
    assert res.exit_code == 4, res.output
    (line,) = res.stderr.splitlines()
    assert line.startswith("kg: ") and "full" in line
    assert integrity(db) == "ok" and logical_state(db) == before


# --------------------------------------------------------------------------------------------------
# SIGKILL at every step of an ingest (forked children, deterministic)
# --------------------------------------------------------------------------------------------------

class _Conn:
    """Stands between the store and its connection: counts statements and dies where told."""

    def __init__(self, conn, kill_at: int | None, commit: str | None):
        self._conn, self.kill_at, self.commit, self.n = conn, kill_at, commit, 0

    def _step(self, sql: str) -> None:
        self.n += 1
        if self.n == self.kill_at or (self.commit == "before" and sql.strip().upper() == "COMMIT"):
            os.kill(os.getpid(), signal.SIGKILL)

    def execute(self, sql, *args):
        self._step(sql)
        out = self._conn.execute(sql, *args)
        if self.commit == "after" and sql.strip().upper() == "COMMIT":
            os.kill(os.getpid(), signal.SIGKILL)
        return out

    def executemany(self, sql, *args):
        self._step(sql)
        return self._conn.executemany(sql, *args)

    def __getattr__(self, name):
        return getattr(self._conn, name)


def _ingest_in_child(db: Path, records_file: Path, kill_at=None, commit=None) -> tuple[int, int]:
    """Fork; the child ingests (dying where told); returns (wait status, statements counted)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(r)
        try:
            records = pickle.loads(records_file.read_bytes())
            with Store(db) as s:
                s.conn = _Conn(s.conn, kill_at, commit)
                s.ingest(records)
                os.write(w, str(s.conn.n).encode())
            os._exit(0)
        except BaseException:  # noqa: BLE001
            os._exit(3)
    os.close(w)
    with os.fdopen(r) as f:
        n = f.read()
    _, status = os.waitpid(pid, 0)
    return status, int(n or 0)


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    d = tmp_path_factory.mktemp("steps")
    files = sorted(CORPUS.glob("*.txt"))
    base = d / "base.sqlite"
    with Store(base) as s:
        s.ingest(extract_many(files[:3])[0])
    records = extract_many([*files, write_pair(d / "pair")])[0]
    rec_file = d / "records.pickle"
    rec_file.write_bytes(pickle.dumps(records))
    after = copy_store(base, d / "after.sqlite")
    status, n = _ingest_in_child(after, rec_file)
    assert status == 0 and n > 20
    return d, base, after, rec_file, n


def test_sigkill_at_every_step_of_an_ingest_leaves_before_or_after(small):
    d, base, after, rec_file, n = small
    before_state, after_state = logical_state(base), logical_state(after)
    assert before_state != after_state
    # statement 1 is BEGIN; then the sources rows, the DELETEs of the rebuild, one INSERT per table,
    # the aliases, one INSERT per search row... spread the kills over all of it
    points = sorted({1, 2, 3, 4, 5, 6, 8, 10, 12, 14, 16, 20, 24, n // 4, n // 2, 3 * n // 4, n - 3, n - 2, n - 1})
    seen = []
    for p in points + ["before COMMIT", "after COMMIT"]:
        db = copy_store(base, d / "run.sqlite")
        status, _ = _ingest_in_child(db, rec_file, kill_at=p if isinstance(p, int) else None,
                                     commit=p.split()[0] if isinstance(p, str) else None)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (p, status)
        s = stats_json(db)  # a reader opens the killed store first
        assert integrity(db) == "ok", p
        state = logical_state(db)
        expected = after_state if p == "after COMMIT" else before_state
        assert state == expected, (p, "after" if state == after_state else "before" if state == before_state
                                   else "NEITHER")
        assert s["sources"] == (7 if p == "after COMMIT" else 3)
        seen.append(p)
    # and the next run completes the ingest
    status, _ = _ingest_in_child(db, rec_file)
    assert status == 0 and logical_state(db) == after_state
    assert len(seen) == len(points) + 2
    print(f"\n{n} statements per ingest; killed before statement {points}, before and after COMMIT: "
          f"before-state each time, after-state only after COMMIT")


# --------------------------------------------------------------------------------------------------
# SIGKILL of a large `kg build` at random points
# --------------------------------------------------------------------------------------------------

@dataclass
class Run:
    kill_at: float | None = None   # seconds after start when SIGKILL was sent
    phase: str = ""                # what the build was doing then
    total: float = 0.0             # seconds until the process was gone
    returncode: int | None = None
    t_open: float | None = None    # the store was opened (WAL file appeared)
    t_grow: float | None = None    # pages went to the WAL


def _wal(db: Path) -> int:
    try:
        return os.path.getsize(f"{db}-wal")
    except OSError:
        return -1


def _holds(pid: int, db: Path) -> bool:
    """Whether process pid has the store open (kg build opens it only to write, after extraction)."""
    target = str(db.resolve())
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return False
    for fd in fds:
        try:
            if os.readlink(f"/proc/{pid}/fd/{fd}") == target:
                return True
        except OSError:
            continue
    return False


def build_and_kill(bigdir: Path, db: Path, trigger: str | None = None, delay: float = 0.0) -> Run:
    """`kg build bigdir` into db; SIGKILL the kg process `delay` s after `trigger`: "start", "open"
    (the WAL file appears: the store is opened and the write transaction begins) or "grow" (pages
    are written to the WAL); None runs to the end. Worker processes are killed afterwards."""
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    t0 = time.monotonic()
    p = subprocess.Popen([*KG, "build", str(bigdir), "--db", str(db)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True, cwd=ROOT)
    run = Run()
    fired_at = 0.0 if trigger == "start" else None
    try:
        while p.poll() is None:
            now = time.monotonic() - t0
            size = _wal(db)
            if size >= 0 and run.t_open is None:
                run.t_open = now
            if size > 0 and run.t_grow is None:
                run.t_grow = now
            if fired_at is None and (trigger == "open" and run.t_open is not None
                                     or trigger == "grow" and run.t_grow is not None):
                fired_at = now
            if fired_at is not None and now >= fired_at + delay:
                run.phase = ("extracting" if run.t_open is None else
                             "committed, store closed (printing the summary)" if size < 0 else
                             "store open, rebuilding the graph in the transaction" if size == 0 else
                             "writing pages to the WAL / committing / checkpointing")
                os.kill(p.pid, signal.SIGKILL)
                run.kill_at = now
                break
            time.sleep(0.005)
        p.wait()
        run.total = time.monotonic() - t0
        run.returncode = p.returncode
        if run.kill_at is None and trigger is not None:
            run.phase = "finished before the kill"
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)  # extraction workers orphaned by the kill
        except ProcessLookupError:
            pass
    return run


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    d = tmp_path_factory.mktemp("crash")
    bigdir = d / "big"
    bigdir.mkdir()
    sources = sorted(CORPUS.glob("*.txt")) + (sorted(DEV.glob("*.txt")) if DEV.is_dir() else [])
    copies = COPIES if DEV.is_dir() else COPIES * 12
    for i in range(copies):
        for f in sources:
            shutil.copy(f, bigdir / f"c{i:02d}_{f.name}")
    base = d / "base.sqlite"
    res = kg("build", CORPUS, db=base)
    assert res.returncode == 0, res.stderr
    after = copy_store(base, d / "after.sqlite")
    timeline = build_and_kill(bigdir, after)
    assert timeline.returncode == 0
    assert stats_json(after)["sources"] == 5 + len(sources) * copies
    return d, bigdir, base, after, timeline


def test_sigkill_at_random_points_of_a_large_build_leaves_before_or_after(big):
    d, bigdir, base, after, tl = big
    before_state, after_state = logical_state(base), logical_state(after)
    assert before_state != after_state
    rng = random.Random(SEED)
    t_open = tl.t_open or tl.total
    rebuild = max((tl.t_grow or tl.total) - t_open, 0.1)
    writing = max(tl.total - (tl.t_grow or tl.total), 0.05)
    plan = [("start", rng.uniform(0.05, 0.35) * t_open),   # early in the extraction
            ("start", rng.uniform(0.35, 0.7) * t_open),
            ("start", rng.uniform(0.7, 1.0) * t_open),      # late extraction, store opening
            ("open", rng.uniform(0.0, 0.3) * rebuild),      # write transaction open: sources, rebuild
            ("open", rng.uniform(0.3, 0.95) * rebuild),
            ("grow", rng.uniform(0.0, 0.3) * writing),      # pages going to the WAL
            ("grow", rng.uniform(0.3, 0.8) * writing),
            ("grow", rng.uniform(0.8, 1.0) * writing)]      # around COMMIT
    rows = []
    db = d / "killed.sqlite"
    for trigger, delay in plan:
        copy_store(base, db)
        run = build_and_kill(bigdir, db, trigger, delay)
        read = kg("stats", "--json", db=db)  # the store opens, for a reader first
        assert read.returncode == 0, read.stderr
        check = integrity(db)
        state = logical_state(db)
        outcome = "before" if state == before_state else "after" if state == after_state else "NEITHER"
        rows.append((trigger, round(delay, 2), None if run.kill_at is None else round(run.kill_at, 2), run.phase,
                     check, outcome))
        assert check == "ok", rows[-1]
        assert outcome in ("before", "after"), rows[-1]
        assert json.loads(read.stdout)["sources"] in (5, stats_json(after)["sources"])
    # the interrupted build, run again, completes: nothing was lost
    run = build_and_kill(bigdir, db)
    assert run.returncode == 0 and logical_state(db) == after_state and integrity(db) == "ok"
    print(f"\nuninterrupted build: {tl.total:.2f}s, store opened at {t_open:.2f}s, WAL writes from "
          f"{(tl.t_grow or tl.total):.2f}s ({len(list(bigdir.iterdir()))} files)")
    print("trigger | delay s | killed at s | phase | integrity | state")
    for r in rows:
        print(" | ".join(map(str, r)))
    # killed before the store was opened: nothing written
    assert all(r[5] == "before" for r in rows if r[3] == "extracting")


def _stats_in_process(db: Path) -> str:
    with SqliteBackend(db) as b:
        return json.dumps(Q.stats(b), ensure_ascii=False, sort_keys=True)


def test_readers_get_whole_answers_while_a_large_build_runs(big):
    """`kg` commands in a loop (a process each), and between them as many in-process readers (a
    fresh backend each) as fit in 0.2 s: every answer is the whole before- or after-answer."""
    d, bigdir, base, after, tl = big
    queries = [("stats", "--json"), ("search", "kế hoạch chuyển đổi số", "--limit", "5", "--json"),
               ("cites", "57-NQ/TW", "--json")]
    expect = {q: (kg(*q, db=base).stdout, kg(*q, db=after).stdout) for q in queries}
    expect["in-process stats"] = (_stats_in_process(base), _stats_in_process(after))
    assert all(b != a for b, a in expect.values())
    db = copy_store(base, d / "read.sqlite")
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    p = subprocess.Popen([*KG, "build", str(bigdir), "--db", str(db)], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, start_new_session=True, cwd=ROOT)
    calls = []

    def check(name, fn):
        writing = _holds(p.pid, db)
        try:
            rc, out, err = fn()
        except Exception as e:  # noqa: BLE001 - a failed read is a result
            rc, out, err = -1, "", f"{type(e).__name__}: {e}"
        writing = writing and _holds(p.pid, db)
        state = "before" if out == expect[name][0] else "after" if out == expect[name][1] else "NEITHER"
        calls.append((name if isinstance(name, str) else name[0], rc, state, writing, err.strip()[:200]))

    try:
        i = 0
        while p.poll() is None:
            q = queries[i % len(queries)]
            i += 1
            check(q, lambda: (lambda r: (r.returncode, r.stdout, r.stderr))(kg(*q, db=db)))
            until = time.monotonic() + 0.2
            while time.monotonic() < until and p.poll() is None:
                check("in-process stats", lambda: (0, _stats_in_process(db), ""))
        assert p.wait() == 0
    finally:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    bad = [c for c in calls if c[1] != 0 or c[2] == "NEITHER"]
    assert not bad, bad[:5]
    during = [c for c in calls if c[3]]
    print(f"\n{len(calls)} reads while building ({sum(c[0] != 'in-process stats' for c in calls)} kg commands), "
          f"{len(during)} of them while the write transaction was open "
          f"({sum(c[0] != 'in-process stats' for c in during)} kg commands); states seen: "
          f"{sorted({c[2] for c in calls})}")
    if Path("/proc/self/fd").is_dir():
        assert during, "no read overlapped the write transaction"
    for q in queries:
        assert kg(*q, db=db).stdout == expect[q][1]


# --------------------------------------------------------------------------------------------------
# journal files: hot rollback journal, read-only folder, concurrent builds, orphaned workers
# --------------------------------------------------------------------------------------------------

def test_a_hot_rollback_journal_left_by_a_killed_writer_is_rolled_back_for_readers(small, tmp_path):
    """Stores written before WAL mode (or on file systems without it) use a rollback journal: a
    writer killed mid-transaction leaves a hot journal that a read-only connection cannot replay."""
    _, base, _, _, _ = small
    db = copy_store(base, tmp_path / "old.sqlite")
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    before = logical_state(db)
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        c = sqlite3.connect(db, isolation_level=None)
        c.execute("PRAGMA cache_size=1")  # spill: the main file is overwritten before COMMIT
        c.execute("BEGIN IMMEDIATE")
        c.execute("UPDATE sources SET record = randomblob(20000)")
        c.execute("DELETE FROM edges")
        os.kill(os.getpid(), signal.SIGKILL)
    os.waitpid(pid, 0)
    journal = Path(f"{db}-journal")
    assert journal.exists() and journal.stat().st_size > 0
    with SqliteBackend(db) as b:
        assert b.counts()["sources"] == 3 and b.counts()["edges"]
    assert integrity(db) == "ok" and logical_state(db) == before


@pytest.mark.skipif(not hasattr(os, "fork") or os.geteuid() != 0, reason="needs root to switch to another user")
def test_a_store_in_a_folder_the_reader_cannot_write_is_still_readable(small):
    """WAL readers need a -shm file next to the store; on read-only media they read the main file."""
    _, base, after, _, _ = small
    d = world_readable_tmp()
    try:
        db = copy_store(after, d / "kg.sqlite")
        db.chmod(0o644)
        with SqliteBackend(db) as b:
            expected = b.counts()
        for suffix in ("-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)

        def query():
            with SqliteBackend(db) as b:
                return b.counts(), len(Q.search(b, "giáo dục"))
        status, value = run_as_nobody(query)
        assert status == "ok", value
        assert value[0] == json.loads(json.dumps(expected)) and value[1] > 0
        assert not Path(f"{db}-shm").exists()  # nothing was written in the folder
    finally:
        shutil.rmtree(d)


def test_two_builds_at_once_both_succeed_and_ingest_once(tmp_path):
    docs = tmp_path / "docs"
    shutil.copytree(CORPUS, docs)
    write_pair(docs / "pair")
    db = tmp_path / "kg.sqlite"
    procs = [subprocess.Popen([*KG, "build", str(docs), "--db", str(db), "--json"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL, cwd=ROOT)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    added = sorted(len(json.loads(o)["added"]) for o, _ in outs)
    assert added == [0, 7]  # one wrote, the other waited and found nothing new
    assert integrity(db) == "ok" and stats_json(db)["sources"] == 7


def _open_store_at(path: str, barrier) -> None:
    from kg.store import Store
    barrier.wait()
    Store(path).close()  # raises StoreError (exit code 1) when the open loses the race


def test_two_openers_of_a_new_store_both_succeed(tmp_path):
    # Two connections that switch a new store to WAL at the same moment: SQLite answers one of them
    # SQLITE_BUSY at once (deadlock avoidance, no busy handler), so two `kg build` on a new store
    # failed one run in three with "database is locked" until the open retried the switch.
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    for i in range(24):
        db = str(tmp_path / f"kg{i}.sqlite")
        barrier = ctx.Barrier(2)
        procs = [ctx.Process(target=_open_store_at, args=(db, barrier)) for _ in range(2)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        assert [p.exitcode for p in procs] == [0, 0], f"round {i}"
        assert sqlite3.connect(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def _group_members(pgid: int) -> list[int]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                fields = (p / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":
                out.append(int(p.name))
    return out


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_extraction_workers_exit_when_kg_build_is_killed(big):
    _, bigdir, _, _, _ = big
    with tempfile.TemporaryDirectory() as t:
        p = subprocess.Popen([*KG, "build", str(bigdir), "--db", str(Path(t) / "kg.sqlite")],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                             start_new_session=True, cwd=ROOT)
        try:
            deadline = time.monotonic() + 60
            while len(_group_members(p.pid)) < 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(_group_members(p.pid)) >= 2, "no worker processes started"
            os.kill(p.pid, signal.SIGKILL)
            p.wait()
            deadline = time.monotonic() + 8
            while _group_members(p.pid) and time.monotonic() < deadline:
                time.sleep(0.2)
            left = _group_members(p.pid)
        finally:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        assert not left, f"{len(left)} worker processes still running 8 s after kg build was killed"
