"""qa.text.tokens: tiktoken must work offline from vocabularies converted out of quicktok-v1."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from qa.text import tokens

REPO = Path(__file__).resolve().parents[1]

# Runs in a child interpreter before anything else: every route to the network raises NetworkBlocked
# and is recorded, so a test can show both that nothing tried and that the guard would have caught it.
NETWORK_GUARD = textwrap.dedent(
    """
    import socket, urllib.request

    ATTEMPTS = []

    class NetworkBlocked(RuntimeError):
        pass

    def _blocked(what):
        def fn(*args, **kwargs):
            ATTEMPTS.append(what)
            raise NetworkBlocked(f"network access attempted via {what}: {args!r}")
        return fn

    socket.socket.connect = _blocked("socket.connect")
    socket.socket.connect_ex = _blocked("socket.connect_ex")
    socket.create_connection = _blocked("socket.create_connection")
    socket.getaddrinfo = _blocked("socket.getaddrinfo")
    urllib.request.urlopen = _blocked("urllib.request.urlopen")
    try:
        import requests
    except ImportError:
        pass
    else:
        requests.get = _blocked("requests.get")
        requests.Session.request = _blocked("requests.Session.request")
    """
)


def run_offline(code: str, env_updates: dict[str, str]) -> dict:
    """Run ``code`` after NETWORK_GUARD in a fresh interpreter; it must print one JSON line last."""
    env = {k: v for k, v in os.environ.items() if k not in ("TIKTOKEN_CACHE_DIR", "DATA_GYM_CACHE_DIR")}
    env["PYTHONPATH"] = str(REPO)
    env.update(env_updates)
    proc = subprocess.run(
        [sys.executable, "-c", NETWORK_GUARD + textwrap.dedent(code)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def offline_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Seed a private cache and point this process's tiktoken at it (never the user's real cache)."""
    mp = pytest.MonkeyPatch()
    cache = tmp_path_factory.mktemp("tiktoken-cache")
    mp.setenv("TIKTOKEN_CACHE_DIR", str(cache))
    tokens.encoding.cache_clear()
    tokens.ensure_offline_vocab()
    yield cache
    tokens.encoding.cache_clear()
    mp.undo()


def test_constants_match_tiktoken(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our URLs and hashes are exactly what the installed tiktoken will request and verify."""
    from tiktoken_ext import openai_public

    seen: dict[str, tuple[str, str]] = {}

    def capture(url: str, expected_hash: str | None = None) -> dict[bytes, int]:
        seen[url] = (url, expected_hash or "")
        return {}

    monkeypatch.setattr(openai_public, "load_tiktoken_bpe", capture)
    for name, (_vocab, url, expected) in tokens.VOCABS.items():
        seen.clear()
        getattr(openai_public, name)()
        assert list(seen.values()) == [(url, expected)]


@pytest.mark.parametrize("name", sorted(tokens.VOCABS))
def test_converted_file_matches_tiktoken_hash(name: str, offline_cache: Path) -> None:
    _vocab, url, expected = tokens.VOCABS[name]
    path = offline_cache / hashlib.sha1(url.encode()).hexdigest()
    data = path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == expected
    assert data == tokens.offline_vocab_bytes(name)
    from tiktoken.load import load_tiktoken_bpe  # tiktoken's own loader accepts it from the cache

    ranks = load_tiktoken_bpe(url, expected_hash=expected)
    assert len(ranks) == {"o200k_base": 199998, "cl100k_base": 100256}[name]


def test_ensure_is_idempotent_and_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)
    target = tmp_path / "c"
    assert tokens.ensure_offline_vocab(target) == target
    assert os.environ["TIKTOKEN_CACHE_DIR"] == str(target)
    files = sorted(p.name for p in target.iterdir())
    assert files == sorted(tokens.cache_file_name(url) for _v, url, _h in tokens.VOCABS.values())
    mtimes = {p: p.stat().st_mtime_ns for p in target.iterdir()}
    assert tokens.ensure_offline_vocab(target) == target
    assert {p: p.stat().st_mtime_ns for p in target.iterdir()} == mtimes  # untouched, no temp files left


def test_ensure_respects_existing_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "env"))
    assert tokens.ensure_offline_vocab(tmp_path / "ignored") == tmp_path / "env"
    assert not (tmp_path / "ignored").exists()
    assert len(list((tmp_path / "env").iterdir())) == 2


def test_encoding_works_with_network_blocked(tmp_path: Path) -> None:
    cache = tmp_path / "fresh-cache"
    out = run_offline(
        """
        import json, sys, time
        from qa.text import tokens
        assert "tiktoken" not in sys.modules, "qa.text.tokens must import tiktoken lazily"
        t0 = time.perf_counter()
        enc = tokens.encoding()
        cold = time.perf_counter() - t0
        t0 = time.perf_counter()
        assert tokens.encoding() is enc
        warm = time.perf_counter() - t0
        text = "双城区地区生产总值"
        ids = enc.encode(text)
        import tiktoken
        cl = tiktoken.get_encoding("cl100k_base")
        attempts = list(ATTEMPTS)
        try:
            socket.create_connection(("openaipublic.blob.core.windows.net", 443))
            guard = "not active"
        except NetworkBlocked:
            guard = "active"
        print(json.dumps({"ids": ids, "round_trip": enc.decode(ids), "name": enc.name,
                          "cl": cl.decode(cl.encode(text)), "attempts": attempts, "guard": guard,
                          "cold": cold, "warm": warm}))
        """,
        {"TIKTOKEN_CACHE_DIR": str(cache)},
    )
    assert out["name"] == "o200k_base"
    assert out["round_trip"] == "双城区地区生产总值" == out["cl"]
    assert 0 < len(out["ids"]) < len("双城区地区生产总值")
    assert out["attempts"] == []
    assert out["guard"] == "active"
    assert len(list(cache.iterdir())) == 2
    assert out["warm"] < 0.01


def test_guard_catches_tiktoken_download_without_seeding(tmp_path: Path) -> None:
    """Control: plain tiktoken with an empty cache does try the network, and the guard stops it."""
    out = run_offline(
        """
        import json, tiktoken
        try:
            tiktoken.get_encoding("o200k_base")
            result = "loaded"
        except NetworkBlocked:
            result = "blocked"
        print(json.dumps({"result": result, "attempts": ATTEMPTS}))
        """,
        {"TIKTOKEN_CACHE_DIR": str(tmp_path / "empty")},
    )
    assert out["result"] == "blocked"
    assert out["attempts"]


def test_default_cache_dir_when_env_unset(tmp_path: Path) -> None:
    out = run_offline(
        """
        import json, os
        from qa.text import tokens
        n = tokens.count_tokens("hello world")
        print(json.dumps({"dir": os.environ["TIKTOKEN_CACHE_DIR"], "n": n, "attempts": ATTEMPTS}))
        """,
        {"HOME": str(tmp_path)},
    )
    assert out == {"dir": str(tmp_path / ".cache/planqa/tiktoken"), "n": 2, "attempts": []}


KNOWN = [
    "",
    "hello world",
    "双城区地区生产总值",
    "“十四五”期间，地区生产总值年均增长6.5%左右。",
    "GDP reached 1,234.5 亿元 in 2025 <|endoftext|> and more",
    "emoji 🧧🏮 and 𠀀 rare ideographs",
]


@pytest.mark.parametrize("text", KNOWN)
def test_count_tokens_matches_encoding(text: str, offline_cache: Path) -> None:
    enc = tokens.encoding()
    assert tokens.count_tokens(text) == len(enc.encode(text, disallowed_special=()))


def test_count_tokens_known_values(offline_cache: Path) -> None:
    assert tokens.count_tokens("") == 0
    assert tokens.count_tokens("hello world") == 2
    assert tokens.encoding().encode("hello world") == [24912, 2375]
    # document text containing a special-token string is counted as text, not rejected
    assert tokens.count_tokens("<|endoftext|>") > 1


@pytest.mark.parametrize("text", KNOWN[1:] + ["地区生产总值" * 50, "𠀀𠀁𠀂𪚥" * 20])
def test_truncate_respects_budget(text: str, offline_cache: Path) -> None:
    total = tokens.count_tokens(text)
    assert tokens.truncate_to_tokens(text, total) == text
    assert tokens.truncate_to_tokens(text, total + 5) == text
    assert tokens.truncate_to_tokens(text, 0) == ""
    for budget in range(1, total):
        out = tokens.truncate_to_tokens(text, budget)
        assert text.startswith(out)
        assert tokens.count_tokens(out) <= budget
        assert "\ufffd" not in out
        out.encode("utf-8")  # valid text: no lone surrogates


def test_truncate_never_splits_multibyte_character(offline_cache: Path) -> None:
    text = "𪚥" * 10  # a rare 4-byte ideograph that o200k splits across several byte tokens
    enc = tokens.encoding()
    per_char = len(enc.encode_ordinary("𪚥"))
    assert per_char > 1
    out = tokens.truncate_to_tokens(text, per_char * 3 - 1)
    assert out == "𪚥" * 2


def test_truncate_rejects_negative_budget(offline_cache: Path) -> None:
    with pytest.raises(ValueError):
        tokens.truncate_to_tokens("abc", -1)
