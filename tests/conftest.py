"""Session fixtures shared by every test module.

`bolt_server`: a FalkorDB server (it speaks Bolt; no Neo4j server can be installed where the
tests run) started once per session on free loopback ports and stopped at the end. If it cannot
start, the tests that need it fail with the server's log: they are never skipped."""
from __future__ import annotations

import pytest

from kg.neo4j_testserver import FalkorServer, ServerStartError


def _start(password: str | None = None) -> FalkorServer:
    try:
        return FalkorServer(password=password).start()
    except ServerStartError as e:
        pytest.fail(f"the Bolt test server (FalkorDB) did not start: {e}", pytrace=False)


@pytest.fixture(scope="session")
def bolt_server():
    """The running server: `.uri` ("bolt://127.0.0.1:PORT"), `.user` ("falkordb"), no password."""
    srv = _start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def bolt_server_with_password():
    """A second server that requires a password ("kg-secret"), for the refused-login tests."""
    srv = _start(password="kg-secret")
    yield srv
    srv.stop()
