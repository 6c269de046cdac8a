"""qa.text.chunk on the real seeds: offsets, whole sentences, table headers, 专栏 boxes, section paths."""

from __future__ import annotations

import re
from bisect import bisect_left

import pytest

from qa.config import Settings
from qa.ingest import read_source
from qa.text.chunk import chunk_document
from tests.conftest import DOC, SEED_FILES

SENTENCE_END = re.compile(r"[。！？；!?;][”’」』）)]*$")
BOX_HEADING = re.compile(r"^#*\s*(专栏-\d+)", re.M)
BOX_ITEM = re.compile(r"^(?:\d{1,2}[.、．]|[-—•*]|[（(][\d一二三四五六七八九十]+[)）])")


@pytest.fixture(scope="module")
def parsed():
    """doc_id → (SourceFile, chunks) with the configured chunk size."""
    s = Settings()
    out = {}
    for doc_id, path in SEED_FILES.items():
        src = read_source(path, s.store.max_file_mb)
        out[doc_id] = (src, chunk_document(doc_id, "v", src.text, src.cleaned, s.store.chunk_tokens, s.store.chunk_overlap))
    return out


@pytest.mark.parametrize("doc_id", sorted(SEED_FILES))
def test_offsets_point_at_the_chunk_text(doc_id, parsed, seed_texts):
    _, chunks = parsed[doc_id]
    original = seed_texts[doc_id]
    assert len(chunks) > 50
    for c in chunks:
        assert original[c.start : c.end] == c.text, c.id
        assert c.doc_id == doc_id and c.clean.strip()
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert len({c.id for c in chunks}) == len(chunks)


@pytest.mark.parametrize("doc_id", sorted(SEED_FILES))
def test_sentences_are_never_cut(doc_id, parsed):
    """A prose chunk starts and ends at a sentence boundary (。！？； or a line end of the cleaned text)."""
    src, chunks = parsed[doc_id]
    text, omap = src.cleaned.text, src.cleaned.omap
    for c in chunks:
        if c.kind == "table":
            continue
        cs = bisect_left(omap, c.start)
        ce = cs + len(c.clean)
        assert text[cs:ce] == c.clean, c.id
        ends_ok = bool(SENTENCE_END.search(c.clean)) or ce == len(text) or text[ce] == "\n"
        assert ends_ok, f"{c.id} ends mid-sentence: …{c.clean[-30:]!r} | {text[ce:ce + 20]!r}"
        starts_ok = cs == 0 or text[cs - 1] == "\n" or bool(SENTENCE_END.search(text[max(0, cs - 3) : cs]))
        assert starts_ok, f"{c.id} starts mid-sentence: {text[cs - 20:cs]!r} | {c.clean[:30]!r}…"


def test_chunks_stay_near_the_target_size(parsed):
    from qa.text.tokens import count_tokens

    s = Settings()
    for _, chunks in parsed.values():
        sizes = [count_tokens(c.clean) for c in chunks if c.kind != "table"]
        assert sorted(sizes)[len(sizes) // 2] <= s.store.chunk_tokens * 1.5


def test_overlap_carries_one_sentence(parsed):
    """Neighbouring prose chunks of one section share the carried-over sentence."""
    _, chunks = parsed[DOC["000"]]
    shared = [(a, b) for a, b in zip(chunks, chunks[1:], strict=False)
              if a.section == b.section and a.kind == b.kind == "prose" and b.start < a.end]
    assert shared
    for a, b in shared:
        assert a.text.endswith(a.text[b.start - a.start :]) and b.text.startswith(a.text[b.start - a.start :])


def test_table_rows_travel_with_their_header(parsed, seed_texts):
    src, chunks = parsed[DOC["004"]]
    tables = [c for c in chunks if c.kind == "table"]
    assert len(tables) >= 2, "004 has the 主要指标表 split over several chunks"
    header = tables[0].clean.split("\n")[0]
    assert header.startswith("类别\t指标") and "2025年" in header
    assert tables[0].text.startswith(seed_texts[DOC["004"]][tables[0].start :].split("\n")[0])
    for c in tables:
        assert c.clean.split("\n")[0] == header, c.id
        assert "\t" in c.text
    # every row of the table is in some table chunk
    rows = [ln for ln in src.cleaned.text.split("\n") if ln.count("\t") >= 2 and re.search(r"\d+\.", ln)]
    assert len(rows) >= 20
    for row in rows:
        assert any(row in c.clean for c in tables), row
    # other seeds have no tab tables, so no table chunks
    for doc_id, (_, other) in parsed.items():
        if doc_id != DOC["004"]:
            assert not [c for c in other if c.kind == "table"], doc_id


BOXES = [f"专栏-{n}" for n in range(1, 10)]


@pytest.mark.parametrize("box", BOXES)
def test_box_chunks_have_the_box_in_their_section(box, parsed, seed_texts):
    """Every chunk that starts inside a 专栏 box of 004 (heading and list items) is a box chunk under it."""
    original = seed_texts[DOC["004"]]
    _, chunks = parsed[DOC["004"]]
    starts = {m.group(1): m.start() for m in BOX_HEADING.finditer(original)}
    assert sorted(starts) == sorted(BOXES)
    # the box: its heading, then list items up to the first line that is not one
    begin = end = starts[box]
    for m in re.finditer(r"[^\n]*\n?", original[begin:]):
        line = m.group().strip()
        if m.start() and line and not BOX_ITEM.match(line):
            break
        end = begin + m.end()
    inside = [c for c in chunks if begin <= c.start < end]
    assert inside, box
    for c in inside:
        assert box in c.section and "专栏" in c.section.split(" > ")[-1], (c.id, c.section)
        assert c.kind == "box", c.id


def test_section_paths_are_nested(parsed):
    for key, path in [("004", "第二章 构建以食品产业为核心的现代产业新体系 > 一、巩固提升食品产业"),
                      ("002", "第二章 产业发展 > 一、农牧业")]:
        _, chunks = parsed[DOC[key]]
        assert any(c.section.startswith(path) for c in chunks), key
        assert any(re.match(r"第二章 .+ > 一、", c.section) for c in chunks), key


@pytest.mark.parametrize("key", ["002", "004"])  # 004 writes chapters 5–9 as '## **第五章 …**'
def test_every_chapter_heads_its_chunks(key, parsed, seed_texts):
    original = seed_texts[DOC[key]]
    body = original[original.index("第一章", original.index("第一章") + 1) - 10 :]  # after the contents
    chapters = re.findall(r"^#+\s*\**(第[一二三四五六七八九十]+章)", body, re.M)
    assert len(chapters) >= 9
    _, chunks = parsed[DOC[key]]
    roots = {c.section.split(" > ")[0].split(" ")[0].rstrip("*") for c in chunks if c.section}
    missing = [ch for ch in chapters if not any(r.startswith(ch) for r in roots)]
    assert not missing, missing
    assert not any("**" in c.clean for c in chunks)
