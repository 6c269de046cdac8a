"""How an answer's typed parts and its reason for abstaining read to a person, shared by the CLI and the page.

Light on purpose (only ``qa.models``): a `qa ask` answered by a resident `qa serve` prints through it without
importing the engine.
"""

from __future__ import annotations

from qa.models import Answer

REASON_ZH = {"place_not_held": "本库没有这个地区的规划", "place_parent": "问的是上级地区，本库只有其下辖地区的规划",
             "period_not_held": "本库没有这个规划期", "year_not_held": "没有规划给出这个年份的数字",
             "doc_contradicts_region": "所选文件与问题中的地区不符", "no_figure": "规划没有给出这个指标的数字",
             "other_role": "规划只以另一种形式给出（总量/增速/比重）", "other_year": "规划只给出了其他年份的数字",
             "other_kind": "规划只给出了目标值或基期值中的另一种", "other_unit": "规划给出的数字单位不同",
             "no_passage": "规划中没有回答这个问题的段落", "no_term": "规划里没有这个说法",
             "no_definition": "规划提到这个说法但没有解释"}

KIND_ZH = {"target": "目标值", "baseline": "基期值", "fact": "事实"}


def answer_facts(a: Answer) -> list[str]:
    """The typed parts of an answer as short Chinese labels, shared by the CLI and the page."""
    facts = []
    if a.value is not None:
        facts.append(f"数值 {a.value:g}{a.unit or ''}")
    elif a.unit:
        facts.append(f"单位 {a.unit}")
    if a.qualifier:
        facts.append(f"限定 {a.qualifier}")
    if a.year:
        facts.append(f"年份 {a.year}")
    if a.kind:
        facts.append(f"类型 {KIND_ZH.get(a.kind, a.kind)}")
    if a.confidence is not None:
        facts.append(f"{'弃答把握' if a.abstained else '置信度'} {a.confidence:.2f}")
    return facts


def abstention_line(a: Answer) -> str | None:
    """Why an answer was withheld, in the user's words, with its machine-readable reason: shared by CLI and page."""
    if not a.abstained:
        return None
    why = REASON_ZH.get(a.reason or "", "")
    text = f"{why}：{a.note}" if why and a.note else why or a.note or ""
    return f"{text}（{a.reason}）" if a.reason else text or None
