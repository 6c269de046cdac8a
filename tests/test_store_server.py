"""The same store behind a real `chroma run` server: same rankings, and a clear error once it is gone."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from qa.ingest import ingest
from tests.chroma_server import ChromaServer, alive
from tests.conftest import SEEDS, one_line_error, run_qa

pytestmark = pytest.mark.server

QUESTIONS = [
    "双城区“十四五”期间地区生产总值年均增长目标是多少？",
    "大同区到2010年地区生产总值计划达到多少？",
    "二连浩特2015年社会消费品零售总额目标是多少？",
    "阳泉市2005年财政收入完成了多少？",
    "克拉玛依区2005年城镇居民可支配收入是多少？",
    "粮食综合生产能力",
]


@pytest.fixture(scope="module")
def server_settings(tmp_path_factory, settings_factory, ready_store, no_default_embedding) -> Iterator[object]:
    """The seeds ingested through a `chroma run` server (after ready_store, so every embedding is cached)."""
    base = tmp_path_factory.mktemp("chroma-server")
    server = ChromaServer(base / "data")
    try:
        settings = settings_factory(base / "home", chroma_url=server.url)
        report = ingest(settings, [SEEDS])
        assert report.chunks > 1000 and report.embedded == 0  # the shared cache already holds every chunk
        yield settings
    finally:
        server.stop()


def test_server_store_ranks_like_the_embedded_one(server_settings, retriever):
    from qa.retrieve.retriever import Retriever
    from qa.store.chroma import Store

    remote = Retriever(server_settings)
    assert remote.manifest.live_keys() == retriever.manifest.live_keys()
    assert Store(server_settings).manifest().counts == Store(retriever.settings).manifest().counts
    for q in QUESTIONS:
        got = [h.chunk.id for h in remote.search(q, k=5)]
        want = [h.chunk.id for h in retriever.search(q, k=5)]
        assert got and got == want, q
        keys = retriever.manifest.live_keys()
        assert [c for c, _ in remote.store.dense(q, 5, keys)] == [c for c, _ in retriever.store.dense(q, 5, keys)], q


def test_server_search_through_the_cli(server_settings):
    proc = run_qa(["search", "双城区粮食综合生产能力", "-k", "3"], server_settings.home,
                  QA_CHROMA_URL=server_settings.store.chroma_url)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("#1") and "004_" in proc.stdout


def test_stopped_server_is_a_one_line_error(tmp_path):
    server = ChromaServer(tmp_path / "data")
    url = server.url
    server.stop()
    assert not alive(url)
    home = tmp_path / "home"
    home.mkdir()
    for args in (["search", "地区生产总值"], ["ingest", str(SEEDS / "000_1eaa99c5e663719f.txt")]):
        proc = run_qa(args, home, QA_CHROMA_URL=url)
        line = one_line_error(proc)
        assert line.startswith(f"qa {args[0]}: error: ") and url in line, line
