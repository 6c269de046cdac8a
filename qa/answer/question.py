"""What a question's words are: the indicator core, bigram overlaps, and the checks that refuse a question."""

from __future__ import annotations

import functools
import re

from qa.figures import vocab as V
from qa.figures.indicators import canon_text
from qa.figures.prose import subject
from qa.models import Document
from qa.text.places import place_words

MAX_QUESTION = 500


@functools.lru_cache(maxsize=65536)
def bigrams(text: str) -> frozenset[str]:
    """The character bigrams of a text's runs of hanzi (a lone character or a Latin word counts whole);
    cached: labels and questions are compared again and again."""
    runs = re.findall(r"[\u4e00-\u9fff]+|[A-Za-z]+", text.replace("的", ""))
    out: set[str] = set()
    for r in runs:
        if len(r) == 1 or r.isascii():
            out.add(r)
        else:
            out.update(r[i : i + 2] for i in range(len(r) - 1))
    return frozenset(out)


def question_core(question: str, docs: dict[str, Document]) -> str:
    """The indicator words of a question: no region, plan, year, question or kind words."""
    q = question
    places = {w for d in docs.values() for w in place_words(d.region, d.province)}
    for word in sorted(places, key=len, reverse=True):
        q = q.replace(word, "")
    if len(re.findall(r"[A-Za-z]{2,}", q)) >= 3:  # an English question read in Chinese: its English words are glue
        q = re.sub(r"[A-Za-z']+", "", q)
    return V.CORE_DROP.sub("", q)


def precision(core: str, label: str) -> float:
    """Share of the label's words the question also uses: 进出口贸易额 beats 进出口货运量."""
    have = bigrams(canon_text(subject(label)))
    if not have:
        return 0.0
    return len(bigrams(canon_text(core)) & have) / len(have)


def coverage(core: str, text: str) -> float:
    want = bigrams(canon_text(core))
    if not want:
        return 0.0
    have = bigrams(canon_text(text))
    return len(want & have) / len(want)


def question_problem(text: str | None, what: str = "question") -> str | None:
    """Why no engine should see this question (empty, too long, no words), or None.
    The CLI prints it as an error; answer_question abstains with it as the note; the page shows it."""
    q = (text or "").strip()
    if not q:
        return f"the {what} is empty"
    try:
        q.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: bytes that were not UTF-8 (a terminal in another encoding)
        return f"the {what} is not valid text (it holds bytes that are not UTF-8)"
    if len(q) > MAX_QUESTION:
        return f"the {what} has {len(q)} characters; at most {MAX_QUESTION} are allowed"
    if not re.search(r"[\u4e00-\u9fffA-Za-z0-9]", q):
        return f"the {what} has no words, only punctuation or symbols"
    return None
