"""English words written as the library's Chinese (qa.text.glossary): CC-CEDICT read backwards, kept to what plans print."""

from __future__ import annotations

from qa.text.glossary import candidates, to_chinese


def test_a_phrase_is_looked_up_before_its_words_and_plurals_by_their_stem() -> None:
    assert "病床" in candidates(["hospital", "beds"])
    assert "学前教育" in candidates(["preschool", "education"])
    assert "种植" in candidates(["planting"])  # a gloss of several senses (to plant; to grow) is split


def test_only_words_the_library_prints_are_kept_most_printed_first() -> None:
    printed = {"玉米": 5, "种植": 9, "植物": 1, "面积": 7}
    text, concepts, measures, done = to_chinese("what corn planting area does it keep", lambda w: printed.get(w, 0))
    assert "玉米" in text and "种植" in text and "植物" not in text  # the question reads the most printed one
    assert concepts == [("玉米",), ("种植", "植物")]  # a plan's figure is matched against all of them
    assert measures == [("面积",)]  # a measure word is matched, never written in (area → 地区 would mislead)
    assert done == ["corn", "planting"]
    assert "area" in text and "keep" in text and "面积" not in text


def test_a_word_no_plan_prints_stays_as_it_is() -> None:
    text, concepts, measures, done = to_chinese("railway", lambda w: 0)
    assert text == "railway" and concepts == [] and done == []


def test_the_plans_own_word_comes_before_the_dictionarys_gloss() -> None:
    """grain is 粮食 in a plan (CC-CEDICT: 谷物), sewage treatment is 污水处理 (待遇 is a salary's treatment)."""
    assert candidates(["grain"])[0] == "粮食" and "谷物" in candidates(["grain"])
    printed = {"粮食": 40, "谷物": 1, "污水": 10, "处理": 30, "待遇": 5}.get
    text, concepts, _, _ = to_chinese("sewage treatment of grain", lambda w: printed(w) or 0)
    assert "污水" in text and "处理" in text and "粮食" in text and "待遇" not in text, text


def test_a_unit_is_a_measure_and_a_plant_of_sewage_is_a_treatment_plant() -> None:
    """hectares is the figure's unit, not a word of its name; sewage treatment plant is 污水处理厂 whole."""
    from qa.text.glossary import to_chinese

    printed = {"污水处理厂": 5, "处理厂": 5, "公顷": 40, "种植": 30, "固沙": 2}.get
    text, concepts, measures, done = to_chinese("How many hectares of sand-fixation forest", lambda w: printed(w, 0))
    assert ("公顷",) in measures and "hectares" not in done, (text, concepts, measures)
    text, concepts, _, done = to_chinese("the sewage treatment plant", lambda w: printed(w, 0))
    assert "sewage treatment plant" in done and "污水处理厂" in text, (text, done)


def test_a_plans_word_the_library_prints_is_written_before_a_more_printed_gloss() -> None:
    """stock is 存栏 in a plan even where the library prints 股份 more often; the gloss stays a candidate."""
    printed = {"股份": 30, "存栏": 4, "生猪": 9}.get
    text, concepts, _, _ = to_chinese("how many pigs in stock", lambda w: printed(w) or 0)
    assert "存栏" in text and "股份" not in text, text
    assert ("存栏", "股份") in concepts


def test_a_hyphen_joins_the_words_of_one_phrase() -> None:
    printed = {"集中": 3, "供热": 5}.get
    text, _, _, done = to_chinese("urban central-heating coverage", lambda w: printed(w) or 0)
    assert "供热" in text and "heating" not in text, text
