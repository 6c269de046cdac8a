"""The industries, projects and strategies a plan names, each cited: from its headings and its sentences.

Industries come from the headings of its 产业 chapters and 重点发展…产业 / 以…为主导 phrases; projects
from 专栏 box items about 项目/工程 and named “建设…项目/工程” phrases; strategies from 实施…战略
phrases, headings first. Names must be printed in their cited quote (``Brief.Item`` checks).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import ValidationError

from qa.brief.select import heading_title, is_baseline_section
from qa.brief.view import DocView, Heading
from qa.models import Brief, Citation, Indicator

MAX_ITEMS = 15
MAX_PROJECTS = 20

_INDUSTRY_SENT = re.compile(
    r"(?:重点|优先|大力|积极|加快|着力|加速)(?:发展|培育|壮大|打造|提升)(?P<name>[\u4e00-\u9fff“”]{2,16}?(?:产业|工业|服务业|农业|物流业|旅游业|制造业))"
    r"(?=[，。；、和及与,]|$)"
)
# 轻纺产业达到50亿元 / 食品产业增加值实现…: an industry the plan sets its own figure for is one of its priorities
_INDUSTRY_TARGET = re.compile(
    r"(?:^|(?<=[，。；、：和及与]))(?:其中)?(?P<name>[\u4e00-\u9fff]{2,12}?(?:产业|行业))(?:增加值|产值|总产值|销售收入|规模|收入)?"
    r"(?:总量)?(?:要|将)?(?:达到|实现|突破|超过|达)\s*\d")
# a total, not an industry: 区域工业 / 三个产业 / 全区产业
_NOT_AN_INDUSTRY = re.compile(r"^(?:区域|全区|全市|全县|全旗|地方|规模以上|[一二三四五六七八九十两\d]+个?)|[个大]产业$")
# a paragraph that opens with what it develops: 发展现代物流业。/ 大力发展旅游业，…
_INDUSTRY_LEAD = re.compile(
    r"^\s*(?:(?:加快|大力|积极|重点|着力|优先)?(?:发展|壮大|做大做强|做强|振兴))(?P<name>[\u4e00-\u9fff]{2,10}?(?:产业|业))[。，；]")
_INDUSTRY_LIST = re.compile(r"以(?P<list>[\u4e00-\u9fff、“”]{2,60}?)为(?:主导|支柱|支撑)")
# 重点发展A、B、C等(特色)产业 / 发展A、B、C六大产业: an enumeration of what the plan develops
_INDUSTRY_ENUM = re.compile(
    r"(?:重点|优先|大力|着力|加快|积极|努力|谋划)?(?:发展|培育|壮大|提升|做强|做大)"
    r"(?P<list>[\u4e00-\u9fff“”]{2,16}(?:、[\u4e00-\u9fff“”]{2,16}){2,})"
    r"(?:等|[一二三四五六七八九十两]大)?(?:特色|主导|支柱|新兴)?(?:产业|行业|领域)")
# …等装备制造产业: the industry an enumeration of products belongs to
_ENUM_KIND = re.compile(r"等(?P<name>[\u4e00-\u9fff]{2,8}?(?:产业|行业))")
# 五大支柱产业体系：即石油化工、精细化工及配套产业体系，…: the plan counts its industries, then names them
_INDUSTRY_SYSTEM = re.compile(
    r"[一二三四五六七八九十两]大(?:支柱|主导|优势|特色|重点|新兴)?产业(?:体系|集群)?[：:]\s*即?(?P<list>[^。；]{4,160})")
# 以建材、风电为主的新型产业: an enumeration the plan says its industries are made of
_INDUSTRY_MAINLY = re.compile(r"以(?P<list>[\u4e00-\u9fff]{2,10}(?:、[\u4e00-\u9fff]{2,10})+)为主的[\u4e00-\u9fff]{0,6}产业")
# a heading that is the industry: （2）大力发展建筑业
_INDUSTRY_HEADING = re.compile(r"^(?:大力|加快|积极|重点|着力|优先)?(?:推动)?发展(?P<name>[\u4e00-\u9fff]{2,10}?(?:产业|业))$")
# sector words that name no priority of a plan (every plan has them)
GENERIC = frozenset({"第一产业", "第二产业", "第三产业", "一产", "二产", "三产", "优势产业", "主导产业", "支柱产业", "服务业", "服务",
                     "现代服务业", "其他服务业", "工业", "农业", "制造业", "新兴产业", "现代产业", "特色产业", "传统产业",
                     "生产性服务业", "生活性服务业", "劳动密集型产业", "相关产业", "配套产业", "接续产业", "替代产业"})


def _clean_name(name: str) -> str:
    """具有重大带动作用的高新技术产业 → 高新技术产业: what follows the last 的 names the industry."""
    name = re.sub(r"^(?:以|对|把|将)|(?:等.*|[一二三四五六七八九十两]大)$", "", name.strip("“”")).strip("“”")
    if "的" in name:
        tail = name.rsplit("的", 1)[1]
        if len(tail) >= 3:
            name = tail
    return _VERBS_LEAD.sub("", name) or name
_PROJECT_SENT = re.compile(
    r"(?:建设|实施|启动|推进|新建|扩建|加快|抓好|重点建设|开工建设|规划建设)(?P<name>[^，。；、：“”\s]{4,30}?(?:项目|工程))(?![\u4e00-\u9fff]*(?:区|园))"
)
_GENERIC_PROJECT = re.compile(r"^[及和与并]|一批|等|各类|其它|其他|有关|相关|这些|该|此|新项目|重点项目$|^项目|建设项目$|^工程|好$|^的|了")
_STRATEGY = re.compile(
    r"(?:(?:深入|继续|全面|大力|积极|加快|坚定不移地|着力)?(?:实施|坚持|推进|落实|推行|贯彻))(?P<name>(?:“[^”]{2,30}”)?[\u4e00-\u9fff、]{0,14}战略)"
    r"|(?P<quoted>“[^”]{2,30}”(?:[一二三四五六七八九十\d]+大)?战略)"
)
_STRATEGY_STOP = re.compile(r"^(?:发展|总体|这一|该|此|各项|重大|国家|的|和)?战略$")
_STRATEGY_NEXT_STOP = re.compile(r"^(?:布局|目标|部署|性|机遇|地位|重点|意义|高度|眼光|思维|任务|格局|合作|支点|定位|规划|资源|通道|要求|举措|产业|新兴|调整|思想)")


_VERBS_LEAD = re.compile(
    r"^(?:(?:巩固|提升|培育|壮大|升级|发展|大力|打造|全面|优化|整体|加快|推动|创新|拓展|积极|重点|做大|做强|着力|加速|推进|构建|实施|"
    r"深入|继续|坚定不移地|建设|扶持|提高|繁荣|振兴|[和及与并])+)(?=.{2,})"
)


_STEM_END = re.compile(r"(?:产业|行业|工业|业)$")


def _items(found: Iterable[tuple[str, Citation, str | None]], limit: int) -> list[Brief.Item]:
    out: list[Brief.Item] = []
    seen: set[str] = set()
    for name, cite, text in found:
        key = Indicator.norm(name).replace("“", "").replace("”", "")
        stem = _STEM_END.sub("", key)
        key = stem if len(stem) >= 2 else key
        if key in seen:
            continue
        try:
            out.append(Brief.Item(name=name, text=text, citation=cite))
        except ValidationError:
            continue
        seen.add(key)
        if len(out) >= limit:
            break
    return out


def _heading_cite(view: DocView, h: Heading) -> Citation:
    return view.cite(h.start, h.end, h.path)


def industries(view: DocView) -> list[Brief.Item]:
    """Industries the plan develops, as it names them, strongest evidence first: those it sets its own figure for,
    the headings of its 产业 chapters, its enumerations of what it develops (重点发展A、B、C等X产业: X first), then
    重点发展…产业 phrases; never a bare sector word."""
    units = [u for u in view.units if not is_baseline_section(u.section)]
    quantified: list[tuple[str, Citation, str | None]] = []
    headed: list[tuple[str, Citation, str | None]] = []
    listed: list[tuple[str, Citation, str | None]] = []
    phrased: list[tuple[str, Citation, str | None]] = []
    for u in units:
        cite = view.cite(u.start, u.end, u.section)
        for m in _INDUSTRY_TARGET.finditer(u.text):
            if not _NOT_AN_INDUSTRY.search(m.group("name")):
                quantified.append((_clean_name(m.group("name")), cite, None))
        for m in _INDUSTRY_ENUM.finditer(u.text):
            kind = _ENUM_KIND.match(u.text, m.end("list"))
            if kind:
                listed.append((_clean_name(kind.group("name")), cite, None))
            listed += [(_clean_name(part), cite, None) for part in m.group("list").split("、")]
        for m in [*_INDUSTRY_SYSTEM.finditer(u.text), *_INDUSTRY_MAINLY.finditer(u.text)]:
            for part in re.split(r"[、，,和及与]", m.group("list")):
                name = _clean_name(re.sub(r"(?:配套)?(?:产业)?体系$", "", part.strip()))
                if 2 <= len(name) <= 10 and not re.search(r"[的为是]|配套$|^相关", name):
                    listed.append((name, cite, None))
    for h in view.headings:
        title = heading_title(h.title)
        m = _INDUSTRY_HEADING.match(title)
        if m and not m.group("name").endswith("事业"):
            headed.append((m.group("name"), _heading_cite(view, h), None))
            continue
        parents = h.path.split(" > ")[:-1][-2:]
        if not any("产业" in p for p in parents) or h.level >= 6:
            continue
        if re.search(r"布局|机制|保障|措施|环境|体制|改革|空间|开发区|园区|战略|项目|结构", title):
            continue
        if re.search(r"(?:产业|业|物流门户|物流|旅游|电子商务(?:应用)?|经济)(?:(?:品牌化|高质量|融合|集群化|规模化|特色化)?发展)?$",
                     title):
            title = re.sub(r"^(?:加快)?推动|(?:(?:品牌化|高质量|融合|集群化|规模化|特色化)?发展)$", "", title)
            headed.append((_VERBS_LEAD.sub("", title) or title, _heading_cite(view, h), None))
    for u in units:
        cite = view.cite(u.start, u.end, u.section)
        for m in _INDUSTRY_LIST.finditer(u.text):
            if not re.search(r"产业|工业|农业|服务业", u.text):
                continue
            for part in re.split(r"[、和及与]", m.group("list")):
                part = _VERBS_LEAD.sub("", part.strip("“”"))
                if 2 <= len(part) <= 12 and not re.search(r"[为以是的等]$|公司|企业|集团|政府|市场|产品$", part):
                    phrased.append((part, cite, None))
        for m in _INDUSTRY_LEAD.finditer(u.text):
            phrased.append((m.group("name"), cite, None))
        for m in _INDUSTRY_SENT.finditer(u.text):
            phrased.append((m.group("name").strip("“”"), cite, u.text.strip()[:120]))
    found = [*quantified, *headed, *listed, *phrased]
    kept = [(n, c, t) for n, c, t in found if _clean_name(n) not in GENERIC and len(_clean_name(n)) >= 2]
    return _items([(_clean_name(n), c, t) for n, c, t in kept], MAX_ITEMS)


def projects(view: DocView) -> list[Brief.Item]:
    """Projects: items of 专栏 boxes about 项目/工程, then named “建设…项目/工程” phrases."""
    found: list[tuple[str, Citation, str | None]] = []
    for u in view.units:
        parts = u.section.split(" > ")
        box = next((p for p in reversed(parts) if p.startswith("专栏")), None)
        if u.kind == "box" and box and re.search(r"项目|工程", box):
            m = re.match(r"^\s*(?:\d{1,2}[.、．]|[（(]\d+[)）])\s*([^：:；;。]{2,40})[：:；;。]?", u.text)
            if m:
                name = m.group(1).strip()
                found.append((name, view.cite(u.start, u.end, u.section), None))
    for u in view.units:
        if u.kind == "box" or is_baseline_section(u.section):
            continue
        for m in _PROJECT_SENT.finditer(u.text):
            name = re.sub(r"^(?:实施|建设|推进|启动|加快|新建|扩建|抓好)+", "", m.group("name"))
            if _GENERIC_PROJECT.search(name) or len(name) < 5:
                continue
            found.append((name, view.cite(u.start, u.end, u.section), None))
    return _items(found, MAX_PROJECTS)


def strategies(view: DocView) -> list[Brief.Item]:
    """Strategies: 实施“四大战略”, 科教兴区战略 … as printed, headings first."""
    found: list[tuple[str, Citation, str | None]] = []
    pool: list[tuple[str, int, int, str]] = [(h.title, h.start, h.end, h.path) for h in view.headings]
    pool += [(u.text, u.start, u.end, u.section) for u in view.units]
    pool.sort(key=lambda x: x[1])
    for text, start, end, section in pool:
        for m in _STRATEGY.finditer(text):
            name = (m.group("name") or m.group("quoted") or "").lstrip("、")
            name = _VERBS_LEAD.sub("", name) if not name.startswith("“") else name
            if not name or _STRATEGY_STOP.match(name) or _STRATEGY_NEXT_STOP.match(text[m.end() :]):
                continue
            if len(name) < 4:
                continue
            found.append((name, view.cite(start, end, section), None))
    return _items(found, MAX_ITEMS)
