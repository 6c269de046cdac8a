"""The page: 问答 / 简报 / 对比 / 评测 tabs over the same functions the CLI uses.

Gradio is imported lazily (``qa --help`` stays instant) and only after analytics are
switched off. The page binds to 127.0.0.1 unless asked otherwise, never opens a share
link and loads nothing from outside: the theme uses system fonts only (no Google
Fonts), server-side rendering (a node process) is off. Every piece of document text
shown is escaped with ``html.escape``: the plans are data, never markup. Everything the
browser sends (document ids, filters, engine, chat history) is checked against what the
server knows; document files are read only inside the configured folders (``QA_DOCS``).
"""

from __future__ import annotations

import html
import io
import ipaddress
import json
import os
import queue
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.config import Settings

if TYPE_CHECKING:
    from qa.models import Answer, Document

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = [
    "双城区2025年森林覆盖率目标是多少？",
    "大同区到2010年地区生产总值计划达到多少？",
    "阳泉市到2010年地区生产总值要达到多少？",
]
INDICATORS = ["地区生产总值", "森林覆盖率", "城镇居民人均可支配收入", "农村居民人均可支配收入",
              "财政收入", "固定资产投资", "社会消费品零售总额", "城镇化率"]
ALL = "__all__"
ENGINE_LABELS = {"extractive": "抽取式 (extractive)", "llm": "大模型 (llm)"}
GOLD = Path("evals/indicators.jsonl")  # the CLI's defaults (`qa eval`), relative to the working directory
REPORT_DIR = Path("reports/eval")
PENDING = "⏳ 正在检索并生成回答…"
CSS = """
.qa-sources mark { background: #ffe58a; padding: 0 2px; }
.qa-source { border: 1px solid #ddd; border-radius: 6px; padding: 8px 10px; margin: 6px 0; }
.qa-source .qa-meta { font-size: 0.85em; color: #555; margin-bottom: 4px; }
.qa-source .qa-passage { white-space: pre-wrap; line-height: 1.6; }
.qa-brief table { border-collapse: collapse; }
.qa-brief td, .qa-brief th { border: 1px solid #ccc; padding: 3px 6px; }
"""
SYSTEM_FONTS = ["Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", "ui-sans-serif", "system-ui", "sans-serif"]
MONO_FONTS = ["ui-monospace", "Consolas", "monospace"]


def _gradio() -> Any:
    """Gradio, imported only after its analytics are switched off."""
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import gradio as gr

    return gr


# ---------------------------------------------------------------- engines

def engines(settings: Settings) -> list[str]:
    """The engines the settings configure (the LLM needs an endpoint or key and a model)."""
    return ["extractive", "llm"] if settings.llm.llm_available else ["extractive"]


def llm_status(settings: Settings, timeout: float = 3.0) -> tuple[bool, str]:
    """(usable, reason): the configured endpoint answers ``GET /models`` (replay needs no endpoint)."""
    if not settings.llm.llm_available:
        return False, "未配置大模型（OPENAI_BASE_URL / QA_MODEL）"
    if settings.llm.replay:
        return True, "回放模式（只用缓存）"
    from qa.llm import DEFAULT_BASE_URL

    base = (settings.llm.openai_base_url or DEFAULT_BASE_URL).rstrip("/")
    req = urllib.request.Request(f"{base}/models")
    if settings.llm.openai_api_key is not None:
        req.add_header("Authorization", f"Bearer {settings.llm.openai_api_key.get_secret_value()}")
    try:
        with urllib.request.urlopen(req, timeout=timeout):
            return True, base
    except urllib.error.HTTPError as err:  # the server answered: reachable unless the key is refused
        if err.code in (401, 403):
            return False, f"{base} 拒绝了密钥（HTTP {err.code}）"
        return True, base
    except (OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        return False, f"{base} 无法连接（{reason}）"


def available_engines(settings: Settings) -> tuple[list[str], str]:
    """The engines the page offers, and a one-line note on the LLM's state."""
    if not settings.llm.llm_available:
        return ["extractive"], "大模型未配置，仅提供抽取式引擎"
    ok, reason = llm_status(settings)
    if ok:
        return ["extractive", "llm"], f"大模型: {settings.llm.model} @ {reason}"
    return ["extractive"], f"大模型不可用，仅提供抽取式引擎: {reason}"


# ---------------------------------------------------------------- documents (checked paths only)

def doc_roots(settings: Settings) -> list[Path]:
    """The configured document folders, resolved: the only places the page reads documents from."""
    return [Path(d).expanduser().resolve() for d in settings.store.docs]


def doc_path(doc: Document, roots: Sequence[Path]) -> Path | None:
    """The document's file if it resolves to a file inside one of ``roots``, else None."""
    try:
        p = Path(doc.path).expanduser()
        p = (p if p.is_absolute() else Path.cwd() / p).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    if not p.is_file():
        return None
    return p if any(p.is_relative_to(r) for r in roots) else None


def _doc_text(doc: Document, roots: Sequence[Path]) -> str | None:
    p = doc_path(doc, roots)
    if p is None:
        return None
    try:
        with p.open(encoding=doc.encoding or "utf-8", newline="") as f:  # offsets count \r too
            return f.read()
    except (OSError, UnicodeError, LookupError):
        return None


# ---------------------------------------------------------------- rendering (pure, testable)

def doc_label(doc: Document) -> str:
    return " · ".join(x for x in (doc.region, doc.plan) if x) or doc.title or doc.id


def plan_label(plan: str, docs: dict[str, Document]) -> str:
    """十四五（2021–2025）: the plan with the period its documents cover."""
    periods = sorted({(d.period_start, d.period_end) for d in docs.values()
                      if d.plan == plan and d.period_start and d.period_end})
    return plan + "".join(f"（{a}–{b}）" for a, b in periods[:1])


def passage_html(c: Any, doc: Document | None, roots: Sequence[Path] = (), context: int = 160) -> str:
    """One cited passage: the quote marked inside its neighbourhood, everything escaped."""
    text = _doc_text(doc, roots) if doc else None
    if text is not None and text[c.start : c.end] == c.quote:
        s, e = max(0, c.start - context), min(len(text), c.end + context)
        before, after = text[s : c.start], text[c.end : e]
        pre = "…" if s > 0 else ""
        post = "…" if e < len(text) else ""
    else:
        before = after = pre = post = ""
    return f"{pre}{html.escape(before)}<mark>{html.escape(c.quote)}</mark>{html.escape(after)}{post}"


def sources_html(a: Answer | None, docs: dict, roots: Sequence[Path] = ()) -> str:
    """The sources panel: every cited passage with its plan, section and offsets."""
    if a is None:
        return '<div class="qa-sources"><p>（提问后这里显示引用的原文段落）</p></div>'
    if not a.citations:
        note = f"（{html.escape(a.note)}）" if a.note else ""
        return f'<div class="qa-sources"><p>没有引用的段落{note}</p></div>'
    parts = ['<div class="qa-sources">']
    for i, c in enumerate(a.citations, 1):
        doc = docs.get(c.doc_id)
        meta = [f"[{i}]"]
        if doc:
            meta += [html.escape(doc.region or ""), html.escape(doc.plan or ""), html.escape(doc.title or "")]
        meta.append(f'<span class="qa-doc-id">{html.escape(c.doc_id)}</span>')
        meta.append(f"§ {html.escape(c.section or '（正文开头）')}")
        meta.append(f"[{c.start}:{c.end}]")
        parts.append(
            f'<div class="qa-source" id="qa-source-{i}" data-doc="{html.escape(c.doc_id, quote=True)}">'
            f'<div class="qa-meta">{" ".join(m for m in meta if m)}</div>'
            f'<div class="qa-passage">{passage_html(c, doc, roots)}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)


def _md(text: str) -> str:
    """Document text inside the chat's markdown: escaped, and markdown specials neutralised."""
    out = html.escape(text.strip())
    for ch in "\\`*_[]#|~>":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def answer_markdown(a: Answer, docs: dict) -> str:
    """The chat message of a final answer: text, facts, a warning when unsupported, numbered citations."""
    from qa.answer import answer_facts

    lines = [f"**{_md(a.text)}**"]
    facts = [html.escape(f) for f in answer_facts(a)]
    if facts:
        lines.append(" · ".join(facts))
    if not a.supported and a.unsupported_numbers:
        lines.append(f"⚠ 未能在引用中找到这些数字: {html.escape(', '.join(a.unsupported_numbers))}")
    for i, c in enumerate(a.citations, 1):
        doc = docs.get(c.doc_id)
        where = doc_label(doc) if doc else c.doc_id
        lines.append(f"[{i}] {_md(where)} · {_md(c.section or '')}：「{_md(c.quote[:200])}」")
    lines.append(f"<sub>{html.escape(a.engine)} · {a.timing_ms:.0f} ms</sub>")
    return "\n\n".join(lines)


def preview_markdown(text: str) -> str:
    """The streaming preview of an LLM answer (not yet checked against its sources)."""
    return f"✍ {_md(text)} ▌\n\n<sub>生成中，数字核对后显示最终答案</sub>"


def _rows(rows: Any) -> list[dict]:
    out = []
    for r in rows or []:
        if hasattr(r, "model_dump"):
            r = r.model_dump()
        elif hasattr(r, "__dataclass_fields__"):
            import dataclasses

            r = dataclasses.asdict(r)
        elif not isinstance(r, dict):
            r = dict(r)
        out.append({k: (v if isinstance(v, str | int | float | bool) or v is None else _flat(v))
                    for k, v in r.items()})
    return out


def _flat(v: Any) -> str:
    if hasattr(v, "model_dump"):
        v = v.model_dump()
    if isinstance(v, dict) and "quote" in v:
        return str(v.get("quote", ""))[:120]
    if isinstance(v, list):
        return "; ".join(_flat(x) for x in v)
    return json.dumps(v, ensure_ascii=False, default=str) if isinstance(v, dict) else str(v)


COMPARE_COLUMNS = {"region": "地区", "plan": "规划", "indicator": "指标", "base_year": "基期",
                   "base_value": "基期值", "target_year": "目标年", "target_value": "目标值", "target_text": "目标（文字）",
                   "growth": "年均增长", "unit": "单位", "qualifier": "限定", "quote": "引文"}


def compare_frames(rows: list[dict]) -> tuple[Any, Any]:
    """(table, chart data) of qa.brief.compare rows: one bar per region·plan and value kind."""
    import pandas as pd

    chart_cols = ["项", "规划", "数值", "类型"]
    if not rows:
        return pd.DataFrame(columns=list(COMPARE_COLUMNS.values())), pd.DataFrame(columns=chart_cols)
    cols = [c for c in COMPARE_COLUMNS if any(r.get(c) not in (None, "") for r in rows)]
    table = pd.DataFrame([{COMPARE_COLUMNS[c]: "" if r.get(c) is None else r.get(c) for c in cols} for r in rows],
                         dtype=object)
    chart_rows = []
    for r in rows:
        label = " · ".join(str(r[k]) for k in ("region", "plan") if r.get(k)) or str(r.get("doc_id", ""))
        for key, zh in (("base_value", "基期值"), ("target_value", "目标值")):
            v = r.get(key)
            if isinstance(v, int | float) and not isinstance(v, bool):
                chart_rows.append({"项": f"{label} {zh}", "规划": label, "数值": float(v), "类型": zh})
    return table, pd.DataFrame(chart_rows, columns=chart_cols)


def brief_html(brief: dict) -> str:
    """A brief (qa.brief's JSON) as escaped HTML: summary, indicator table, industries, projects."""
    e = html.escape
    parts = ['<div class="qa-brief">']
    title = brief.get("title") or brief.get("doc_id") or ""
    where = " · ".join(str(brief[k]) for k in ("province", "region", "plan") if brief.get(k))
    parts.append(f"<h3>{e(str(title))}</h3><p>{e(where)}</p>")
    if brief.get("summary"):
        parts.append(f"<p>{e(brief['summary'])} {_cites(brief.get('summary_citations') or [])}</p>")
    inds = brief.get("indicators") or []
    parts.append(f"<h4>主要指标（{len(inds)}）</h4>")
    if inds:
        parts.append('<table class="qa-indicators"><thead><tr><th>指标</th><th>类别</th><th>基期值</th>'
                     "<th>目标值</th><th>年均增长</th><th>单位</th><th>属性</th><th>引用</th></tr></thead><tbody>")
        for ind in inds:
            base = _num(ind.get("base_value"), ind.get("base_year"))
            tgt = _num(ind.get("target_value"), ind.get("target_year")) or (ind.get("target_text") or "")
            growth = _num(ind.get("growth"), None) or (ind.get("growth_text") or "")
            q = " ".join(x for x in (ind.get("qualifier"), ind.get("growth_qualifier")) if x)
            cites = [c for c in (ind.get("citation"), ind.get("base_citation")) if c]
            parts.append(f"<tr><td>{e(str(ind.get('name') or ''))}</td><td>{e(str(ind.get('category') or ''))}</td>"
                         f"<td>{e(base)}</td><td>{e(str(tgt))} {e(q)}</td><td>{e(str(growth))}</td>"
                         f"<td>{e(str(ind.get('unit') or ''))}</td><td>{e(str(ind.get('binding') or ''))}</td>"
                         f"<td>{_cites(cites)}</td></tr>")
        parts.append("</tbody></table>")
    else:
        parts.append("<p>（没有抽取到指标）</p>")
    for key, zh in (("industries", "产业"), ("projects", "重点项目"), ("strategies", "战略")):
        items = brief.get(key) or []
        if key == "strategies" and not items:
            continue
        parts.append(f"<h4>{zh}（{len(items)}）</h4>")
        if not items:
            parts.append("<p>（无）</p>")
            continue
        parts.append(f'<ul class="qa-{key}">')
        for it in items:
            parts.append(f"<li><b>{e(str(it.get('name') or ''))}</b> {_cites([it['citation']] if it.get('citation') else [])}</li>")
        parts.append("</ul>")
    parts.append("</div>")
    return "".join(parts)


def _num(v: Any, year: Any) -> str:
    if not isinstance(v, int | float) or isinstance(v, bool):
        return ""
    return f"{v:g}" + (f"（{year}）" if year else "")


def _cites(cites: list) -> str:
    out = []
    for c in cites:
        if isinstance(c, dict) and c.get("quote"):
            out.append(f'<span class="qa-cite" title="{html.escape(str(c.get("section") or ""))}">「<mark>'
                       f"{html.escape(str(c['quote']).strip()[:160])}</mark>」</span>")
    return "<br>".join(out)


def clean_history(history: Any) -> list[dict[str, str]]:
    """The chat history the browser sent, reduced to user/assistant text (files and components dropped)."""
    out: list[dict[str, str]] = []
    for m in history if isinstance(history, list) else []:
        if not isinstance(m, dict) or m.get("role") not in ("user", "assistant"):
            continue
        content = m.get("content")
        if isinstance(content, str):
            text = content
        elif isinstance(content, list):
            text = "".join(p["text"] for p in content
                           if isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str))
        else:
            text = ""
        if text:
            out.append({"role": m["role"], "content": text})
    return out


# ---------------------------------------------------------------- the handlers

class Page:
    """The page's handlers, callable without a browser; every input is checked before use."""

    def __init__(self, settings: Settings, gold: Path | None = None, report_dir: Path | None = None,
                 briefs_dir: Path | None = None):
        from qa.retrieve.retriever import Retriever

        self.settings = settings
        self.retriever = Retriever(settings)
        self.roots = doc_roots(settings)
        self.engines, self.engine_note = available_engines(settings)
        self.gold = gold or settings.web.eval_gold
        self.report_dir = report_dir or settings.web.eval_report or REPORT_DIR
        self.briefs_dir = briefs_dir or Path(settings.home) / "briefs"  # per store; `qa brief --out` can share it
        self.briefs_dir.mkdir(parents=True, exist_ok=True)
        self._brief_lock = threading.Lock()

    # ------------------------------------------------------------ what the browser may choose from

    @property
    def docs(self) -> dict[str, Document]:
        return self.retriever.manifest.docs

    def scope_choices(self) -> list[tuple[str, str]]:
        return [("全部规划", ALL)] + [(f"{doc_label(d)} · {d.id}", d.id)
                                      for d in sorted(self.docs.values(), key=lambda d: d.id)]

    def region_choices(self) -> list[tuple[str, str]]:
        regions = sorted({d.region for d in self.docs.values() if d.region})
        return [("全部地区", ALL)] + [(r, r) for r in regions]

    def plan_choices(self) -> list[tuple[str, str]]:
        plans = sorted({d.plan for d in self.docs.values() if d.plan},
                       key=lambda p: min(d.period_start or 0 for d in self.docs.values() if d.plan == p))
        return [("全部规划期", ALL)] + [(plan_label(p, self.docs), p) for p in plans]

    def _pick(self, value: str | None, choices: list[tuple[str, str]], what: str) -> str | None:
        """A filter value the browser sent: None for 'all', an error naming it when unknown."""
        if value in (None, "", ALL):
            return None
        if value not in {v for _, v in choices}:
            raise self._error(f"未知的{what}: {str(value)[:80]}")
        return value

    @staticmethod
    def _error(message: str) -> Exception:
        return _gradio().Error(message)

    # ------------------------------------------------------------ 问答

    def ask(self, message: str, history: Any, scope: str | None, engine: str | None,
            region: str | None = None, plan: str | None = None) -> Iterator[tuple[Any, Any, str]]:
        """Answer one question (streamed with the LLM engine); yields (history, sources, box)."""
        gr = _gradio()
        history = clean_history(history)
        q = (message or "").strip()
        doc = self._pick(scope, self.scope_choices(), "规划文件")
        region = self._pick(region, self.region_choices(), "地区")
        plan = self._pick(plan, self.plan_choices(), "规划期")
        engine = engine or "extractive"
        if engine not in self.engines:
            raise self._error(f"引擎 {str(engine)[:40]} 不可用（可用: {', '.join(self.engines)}）")
        if not q:
            yield history, gr.skip(), ""
            return
        history.append({"role": "user", "content": q})
        docs = self.docs
        if engine == "llm":
            history.append({"role": "assistant", "content": PENDING})
            yield history, sources_html(None, docs), ""
            try:
                a = None
                shown = ""
                from qa.answer import stream_question

                for part in stream_question(q, self.settings, self.retriever, engine="llm", doc=doc, region=region,
                                            plan=plan):
                    if isinstance(part, str):
                        shown += part
                        history[-1] = {"role": "assistant", "content": preview_markdown(shown)}
                        yield history, gr.skip(), ""
                    else:
                        a = part
            except Exception as err:  # a broken LLM must not break the page
                history[-1] = {"role": "assistant", "content": f"⚠ 大模型出错: {html.escape(str(err))[:300]}"}
                yield history, sources_html(None, docs), ""
                return
            history.pop()
        else:
            from qa.answer import answer_question

            a = answer_question(q, self.settings, retriever=self.retriever, engine=engine, doc=doc,
                                region=region, plan=plan)
        assert a is not None
        history.append({"role": "assistant", "content": answer_markdown(a, docs)})
        yield history, sources_html(a, docs, self.roots), ""

    # ------------------------------------------------------------ 简报

    def _doc(self, doc_id: str | None) -> Document:
        """The document the browser named, if it is in the store and its file inside QA_DOCS."""
        doc = self.docs.get(doc_id or "")
        if doc is None:
            raise self._error(f"没有这份规划: {str(doc_id)[:80]}")
        if doc_path(doc, self.roots) is None:
            raise self._error(f"{doc.id} 的原文不在配置的文档目录（QA_DOCS）中，不能读取")
        return doc

    def brief(self, doc_id: str | None) -> dict:
        """The plan's brief (qa.brief.brief_one, extractive), made when missing or stale."""
        from qa.brief import brief_one

        doc = self._doc(doc_id)
        with self._brief_lock:
            r = brief_one(doc, self.settings, self.briefs_dir, "extractive", ["json", "md"])
        if r.status == "failed":
            raise self._error(f"生成简报失败: {r.error}")
        data = json.loads((self.briefs_dir / f"{doc.id}.json").read_text(encoding="utf-8"))
        return data.get("brief", data)

    def show_brief(self, doc_id: str | None) -> tuple[str, Any, Any]:
        """(brief HTML, JSON download, Markdown download) of one plan."""
        gr = _gradio()
        if not doc_id:
            return "<p>选择一份规划</p>", gr.update(value=None, interactive=False), \
                gr.update(value=None, interactive=False)
        b = self.brief(doc_id)
        files = [self.briefs_dir / f"{b.get('doc_id') or doc_id}.{ext}" for ext in ("json", "md")]
        downloads = [gr.update(value=str(p), interactive=True) if p.is_file() else gr.update(value=None, interactive=False)
                     for p in files]
        return brief_html(b), downloads[0], downloads[1]

    def generate_all(self, progress: Any = None) -> Iterator[str]:
        """Every plan's brief through qa.brief.run_batch (what `qa brief --all` runs), reported as it goes."""
        from qa.brief import DocResult, run_batch

        docs = self.docs
        todo, skipped = [], []
        for d in sorted(docs.values(), key=lambda d: d.id):
            (todo if doc_path(d, self.roots) is not None else skipped).append(d)
        lines = [f"✗ {doc_label(d)}: 原文不在配置的文档目录中" for d in skipped]
        n = len(todo)
        if progress is not None:
            progress(0, desc=f"生成简报 0/{n}", total=n)
        results: queue.Queue[DocResult | None] = queue.Queue()
        outcome: dict[str, Any] = {}

        def work() -> None:
            try:
                with self._brief_lock:
                    outcome["report"] = run_batch(todo, self.settings, self.briefs_dir, "extractive", ["json", "md"],
                                                  on_result=results.put)
            except Exception as err:  # reported below, the page stays up
                outcome["error"] = err
            finally:
                results.put(None)

        threading.Thread(target=work, name="qa-brief-all", daemon=True).start()
        done = 0
        while (r := results.get()) is not None:
            done += 1
            d = docs[r.doc_id]
            lines.append(f"✓ {doc_label(d)}（{'已生成' if r.status == 'written' else '未变化'}）" if r.status != "failed"
                         else f"✗ {doc_label(d)}: {html.escape(r.error or '')[:200]}")
            if progress is not None:
                progress(done / max(n, 1), desc=f"生成简报 {done}/{n}")
            yield "\n\n".join(lines) + f"\n\n进度 {done}/{n}"
        if "error" in outcome:
            raise self._error(f"生成简报失败: {outcome['error']}")
        rep = outcome["report"]
        yield "\n\n".join(lines) + (f"\n\n**完成 {n}/{n}**：{len(rep.written)} 份已生成，{len(rep.unchanged)} 份未变化，"
                                    f"{len(rep.failed) + len(skipped)} 份失败 · {rep.seconds:.1f} s")

    # ------------------------------------------------------------ 对比

    def compare(self, indicator: str) -> tuple[Any, Any, str]:
        """(table, chart data, note) of one indicator across plans (qa.brief.compare)."""
        from qa.brief import compare

        indicator = (indicator or "").strip()[:50]
        if not indicator:
            t, c = compare_frames([])
            return t, c, "输入一个指标名称"
        try:
            rows = _rows(compare(indicator, self.settings))
        except Exception as err:
            t, c = compare_frames([])
            return t, c, f"对比失败: {html.escape(str(err))}"
        table, chart = compare_frames(rows)
        return table, chart, f"{len(rows)} 条记录" if rows else "没有找到这个指标"

    # ------------------------------------------------------------ 评测

    def gold_path(self) -> Path:
        """The gold file: the one given, else the CLI's default (working directory, then the checkout)."""
        if self.gold is not None:
            return self.gold
        return GOLD if GOLD.is_file() else ROOT / GOLD

    def read_report(self) -> str:
        """The latest report (report.md as `qa eval` writes it), with where it came from."""
        p = self.report_dir / "report.md"
        if not p.is_file():
            return f"还没有评测报告（{html.escape(str(p))}）。点“重新评测”生成。"
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(p.stat().st_mtime))
        return f"<sub>{html.escape(str(p))} · {stamp}</sub>\n\n" + p.read_text(encoding="utf-8")

    def rerun_eval(self) -> str:
        """Run the eval (qa.evaluate.run, what `qa eval` runs) on the gold file and show the new report."""
        from qa.evaluate import GoldError, UsageError, run

        log = io.StringIO()
        try:
            run(self.gold_path(), self.settings, report_dir=self.report_dir, log=log)
        except (GoldError, UsageError, OSError) as err:
            raise self._error(f"评测失败: {err}") from None
        warnings = log.getvalue().strip()
        note = f"<sub>{html.escape(warnings)}</sub>\n\n" if warnings else ""
        return note + self.read_report()


# ---------------------------------------------------------------- the app

def build_app(settings: Settings, gold: Path | None = None, report_dir: Path | None = None) -> Any:
    """The Blocks app; ``gold`` / ``report_dir`` default to the CLI's (evals/indicators.jsonl, reports/eval)."""
    gr = _gradio()
    page = Page(settings, gold=gold, report_dir=report_dir)
    docs = page.docs
    default_engine = settings.engine if settings.engine in page.engines else "extractive"

    with gr.Blocks(title="planqa · 五年规划问答", analytics_enabled=False) as demo:
        demo.qa_page = page  # for tests and embedding
        gr.Markdown("## planqa · 五年规划问答（每个数字都有出处）")
        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                with gr.Row():
                    with gr.Column(scale=3):
                        chatbot = gr.Chatbot(label="对话", height=460, elem_id="qa-chatbot",
                                             feedback_options=None, sanitize_html=True)
                        with gr.Row():
                            box = gr.Textbox(placeholder="输入问题，例如：双城区2025年森林覆盖率目标是多少？",
                                             show_label=False, scale=5, elem_id="qa-question", max_lines=3)
                            send = gr.Button("提问", variant="primary", scale=1, elem_id="qa-send")
                        with gr.Row():
                            region = gr.Dropdown(page.region_choices(), value=ALL, label="地区", elem_id="qa-region")
                            plan = gr.Dropdown(page.plan_choices(), value=ALL, label="规划期", elem_id="qa-plan")
                            scope = gr.Dropdown(page.scope_choices(), value=ALL, label="规划文件", elem_id="qa-scope")
                        with gr.Row():
                            engine = gr.Dropdown([(ENGINE_LABELS[e], e) for e in page.engines], value=default_engine,
                                                 label="引擎", elem_id="qa-engine", info=page.engine_note, scale=3)
                            clear_btn = gr.Button("清空", elem_id="qa-clear", scale=1)
                        gr.Examples(EXAMPLES, inputs=box, label="示例问题")
                    with gr.Column(scale=2):
                        gr.Markdown("### 引用原文")
                        sources = gr.HTML(sources_html(None, docs), elem_id="qa-sources")
                ev = dict(fn=page.ask, inputs=[box, chatbot, scope, engine, region, plan],
                          outputs=[chatbot, sources, box], concurrency_limit=4, api_name="ask")
                box.submit(**ev)
                send.click(**{**ev, "api_name": False})
                clear_btn.click(lambda: ([], sources_html(None, docs), ""), None, [chatbot, sources, box],
                                api_name=False)

            with gr.Tab("简报", id="briefs"):
                with gr.Row():
                    pick = gr.Dropdown([(doc_label(d), d.id) for d in sorted(docs.values(), key=lambda d: d.id)],
                                       value=None, label="选择规划", elem_id="qa-brief-pick", scale=3)
                    show = gr.Button("生成 / 查看简报", variant="primary", elem_id="qa-brief-show", scale=1)
                    all_btn = gr.Button("全部生成", elem_id="qa-brief-all", scale=1)
                brief_view = gr.HTML("<p>选择一份规划</p>", elem_id="qa-brief")
                with gr.Row():
                    dl_json = gr.DownloadButton("下载 JSON", interactive=False, elem_id="qa-brief-json")
                    dl_md = gr.DownloadButton("下载 Markdown", interactive=False, elem_id="qa-brief-md")
                all_log = gr.Markdown(elem_id="qa-brief-all-log")
                brief_ev = dict(fn=page.show_brief, inputs=pick, outputs=[brief_view, dl_json, dl_md],
                                concurrency_limit=1, concurrency_id="briefs")
                show.click(**brief_ev, api_name="brief")
                pick.change(**brief_ev, api_name=False)

                def generate_all(progress=gr.Progress()):  # noqa: B008 - how gradio injects progress
                    yield from page.generate_all(progress)

                all_btn.click(generate_all, None, all_log, api_name="brief_all", concurrency_limit=1,
                              concurrency_id="briefs")

            with gr.Tab("对比", id="compare"):
                with gr.Row():
                    ind = gr.Dropdown(INDICATORS, value=INDICATORS[0], allow_custom_value=True, label="指标",
                                      elem_id="qa-indicator", scale=3)
                    cmp_btn = gr.Button("对比", variant="primary", elem_id="qa-compare-run", scale=1)
                cmp_note = gr.Markdown()
                t0, c0 = compare_frames([])
                cmp_plot = gr.BarPlot(c0, x="项", y="数值", color="类型", sort=None, title="目标值与基期值",
                                      elem_id="qa-compare-plot", height=320, x_label_angle=-20)
                cmp_table = gr.Dataframe(t0, label="各规划数值", interactive=False, elem_id="qa-compare-table",
                                         wrap=True)
                for trig in (cmp_btn.click, ind.change):
                    trig(page.compare, ind, [cmp_table, cmp_plot, cmp_note], api_name=False)
                demo.load(page.compare, ind, [cmp_table, cmp_plot, cmp_note], api_name=False)

            with gr.Tab("评测", id="eval"):
                report = gr.Markdown(page.read_report(), elem_id="qa-eval-report")
                with gr.Row():
                    refresh = gr.Button("刷新报告", elem_id="qa-eval-refresh")
                    rerun = gr.Button("重新评测", elem_id="qa-eval-run")
                gr.Markdown(f"<sub>评测集: {html.escape(str(page.gold_path()))} → "
                            f"{html.escape(str(page.report_dir))}</sub>")
                refresh.click(page.read_report, None, report, api_name=False)
                rerun.click(page.rerun_eval, None, report, api_name="eval", concurrency_limit=1)
                demo.load(page.read_report, None, report, api_name=False)
    return demo


def theme() -> Any:
    gr = _gradio()
    return gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def _auth(settings: Settings) -> tuple[str, str] | None:
    if settings.web.auth is None:
        return None
    raw = settings.web.auth.get_secret_value()
    user, sep, password = raw.partition(":")
    if not sep or not user or not password:
        raise ValueError("QA_AUTH must look like user:password")
    return user, password


def is_loopback(host: str) -> bool:
    """127.0.0.1, ::1, localhost: reachable from this machine only."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve(settings: Settings, gold: Path | None = None, report_dir: Path | None = None) -> None:
    """`qa serve`: the page on settings.web.host:port (127.0.0.1 unless --host / QA_HOST says otherwise)."""
    import sys

    _gradio()
    auth = _auth(settings)
    if not is_loopback(settings.web.host):
        print(f"qa serve: listening on {settings.web.host}: reachable from other machines"
              + ("" if auth else " WITHOUT a login (set QA_AUTH=user:password)"), file=sys.stderr)
    demo = build_app(settings, gold=gold, report_dir=report_dir)
    demo.queue(default_concurrency_limit=4, max_size=256)
    demo.launch(
        server_name=settings.web.host,
        server_port=settings.web.port,
        auth=auth,
        share=False,
        inbrowser=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=False,
        enable_monitoring=False,
        show_error=True,
        theme=theme(),
        css=CSS,
        quiet=False,
        allowed_paths=[str(demo.qa_page.briefs_dir)],
    )
