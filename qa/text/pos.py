"""Parts of speech of short Chinese phrases (jieba.posseg), for the few readings that need to know a noun from a
verb: the noun a list question counts (哪三个园区撑起来的 → 园区), and whether the words before an indicator's loose
name narrow it (水利基础设施建设 …投资总额) or only ask (哪一个设定的…, 这几个地方谁的…). Loaded on first use."""

from __future__ import annotations

import functools

NOUNISH = ("n", "vn", "l", "j")  # nouns (n, nr, ns, nz …), verbal nouns (建设), set phrases, abbreviations
HEAD_NOUNS = ("n", "vn")  # what a counted noun is made of: a set phrase (撑起来: l) ends it


@functools.lru_cache(maxsize=4096)
def tagged(words: str) -> tuple[tuple[str, str], ...]:
    import logging

    import jieba
    import jieba.posseg

    jieba.setLogLevel(logging.ERROR)
    return tuple((w.word, w.flag) for w in jieba.posseg.lcut(words))


def leading_nouns(words: str) -> list[str]:
    """The nouns a phrase starts with, up to its first other word (三个 主导工业 产业 是 … → 主导工业, 产业)."""
    out = []
    for word, flag in tagged(words):
        if not flag.startswith(HEAD_NOUNS):
            break
        out.append(word)
    return out


def all_nouns(words: str) -> bool:
    """Every word of the phrase is a noun (水利 基础设施 建设), none a pronoun, numeral or verb (地方 谁, 一个 设定)."""
    tags = tagged(words)
    return bool(tags) and all(flag.startswith(NOUNISH) for _, flag in tags)
