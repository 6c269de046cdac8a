"""The page: 问答 / 简报 / 对比 / 评测 tabs over the same functions the CLI uses.

Gradio is imported lazily (``qa --help`` stays instant) and only after analytics are
switched off. The page binds to 127.0.0.1 unless asked otherwise, never opens a share
link and loads nothing from outside: the theme uses system fonts only (no Google
Fonts), server-side rendering (a node process) is off. Every piece of document text
shown is escaped with ``html.escape``: the plans are data, never markup.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import importlib
import io
import json
import os
import threading
from pathlib import Path
from typing import Any

from qa.config import Settings

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


def _gradio():
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    import gradio as gr

    return gr


def _optional(name: str):
    """qa.brief / qa.evaluate are written separately: the page works without them."""
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


# ---------------------------------------------------------------- rendering (pure, testable)

def engines(settings: Settings) -> list[str]:
    return ["extractive", "llm"] if settings.llm_available else ["extractive"]


def doc_label(doc) -> str:
    return " · ".join(x for x in (doc.region, doc.plan) if x) or doc.title or doc.id


def _doc_text(doc) -> str | None:
    for base in (Path.cwd(), ROOT):
        p = Path(doc.path)
        p = p if p.is_absolute() else base / p
        try:
            return p.read_text(encoding=doc.encoding or "utf-8")
        except (OSError, UnicodeError, LookupError):
            continue
    return None


def passage_html(c, doc, context: int = 160) -> str:
    """One cited passage: the quote marked inside its neighbourhood, everything escaped."""
    text = _doc_text(doc) if doc else None
    if text is not None and text[c.start : c.end] == c.quote:
        s, e = max(0, c.start - context), min(len(text), c.end + context)
        before, after = text[s : c.start], text[c.end : e]
        pre = "…" if s > 0 else ""
        post = "…" if e < len(text) else ""
    else:
        before = after = pre = post = ""
    return f"{pre}{html.escape(before)}<mark>{html.escape(c.quote)}</mark>{html.escape(after)}{post}"


def sources_html(a, docs: dict) -> str:
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
        meta.append(html.escape(c.doc_id))
        meta.append(f"§ {html.escape(c.section or '（正文开头）')}")
        meta.append(f"[{c.start}:{c.end}]")
        parts.append(
            f'<div class="qa-source" id="qa-source-{i}"><div class="qa-meta">{" ".join(m for m in meta if m)}</div>'
            f'<div class="qa-passage">{passage_html(c, doc)}</div></div>'
        )
    parts.append("</div>")
    return "".join(parts)


def _md(text: str) -> str:
    """Document text inside the chat's markdown: escaped, and markdown specials neutralised."""
    out = html.escape(text.strip())
    for ch in "\\`*_[]#|~>":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\n", " ")


def answer_markdown(a, docs: dict) -> str:
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


def compare_frames(rows: list[dict]):
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


# ---------------------------------------------------------------- the app

def _parse_cli(*argv: str) -> argparse.Namespace:
    from qa.cli import build_parser

    return build_parser().parse_args(list(argv))


def build_app(settings: Settings):
    gr = _gradio()
    from qa.answer import answer_question, check_numbers
    from qa.models import ABSTAIN_TEXT
    from qa.retrieve import Retriever

    retriever = Retriever(settings)
    docs = retriever.manifest.docs
    brief_mod = _optional("qa.brief")
    eval_mod = _optional("qa.evaluate")
    llm_mod = _optional("qa.llm")
    out_dir = Path(settings.home) / "briefs"  # per store; the CLI's `qa brief --out` can share it
    out_dir.mkdir(parents=True, exist_ok=True)
    brief_lock = threading.Lock()

    def scope_choices() -> list[tuple[str, str]]:
        return [("全部规划", ALL)] + [(doc_label(d), d.id) for d in sorted(docs.values(), key=lambda d: d.id)]

    # ------------------------------------------------------------ 问答
    def ask(message: str, history: list, scope: str, engine: str):
        history = list(history or [])
        q = (message or "").strip()
        if not q:
            yield history, gr.skip(), ""
            return
        history.append({"role": "user", "content": q})
        doc = None if scope in (None, "", ALL) else scope
        engine = engine if engine in engines(settings) else "extractive"
        stream = getattr(llm_mod, "stream_answer_llm", None) if engine == "llm" else None
        a = None
        if stream is not None:
            history.append({"role": "assistant", "content": ""})
            try:
                hits = retriever.search(q, k=settings.top_k, doc=doc)
                for part in stream(q, hits, settings):
                    if isinstance(part, str):
                        history[-1] = {"role": "assistant", "content": history[-1]["content"] + part}
                        yield history, gr.skip(), ""
                    else:
                        a = check_numbers(part)
                        if a.abstained:
                            a.text = ABSTAIN_TEXT
            except Exception as err:  # a broken LLM must not break the page
                history[-1] = {"role": "assistant", "content": f"⚠ 大模型出错: {html.escape(str(err))[:300]}"}
                yield history, sources_html(None, docs), ""
                return
            history.pop()
        if a is None:
            a = answer_question(q, settings, retriever=retriever, engine=engine, doc=doc)
        history.append({"role": "assistant", "content": answer_markdown(a, retriever.manifest.docs)})
        yield history, sources_html(a, retriever.manifest.docs), ""

    def clear():
        return [], sources_html(None, docs), ""

    # ------------------------------------------------------------ 简报
    def brief_for(doc_id: str) -> dict | None:
        """The plan's brief from the out dir, made (extractive) when missing or stale."""
        if brief_mod is None or not doc_id or doc_id not in docs:
            return None
        jpath = out_dir / f"{doc_id}.json"
        with brief_lock:
            if hasattr(brief_mod, "brief_one"):
                r = brief_mod.brief_one(docs[doc_id], settings, out_dir, "extractive", ["json", "md"])
                if r.status == "failed":
                    raise RuntimeError(r.error)
            else:
                with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                    brief_mod.run_cli(_parse_cli("brief", doc_id, "--out", str(out_dir), "--engine", "extractive"),
                                      settings)
        if not jpath.exists():
            return None
        data = json.loads(jpath.read_text(encoding="utf-8"))
        return data.get("brief", data) if isinstance(data, dict) else None

    def show_brief(doc_id: str):
        try:
            b = brief_for(doc_id)
        except Exception as err:
            return f"<p>生成简报失败: {html.escape(str(err))}</p>", None, None
        if b is None:
            return "<p>没有这份规划的简报</p>", None, None
        files = [p for p in (out_dir / f"{doc_id}.json", out_dir / f"{doc_id}.md") if p.exists()]
        js = str(files[0]) if files and files[0].suffix == ".json" else None
        md = next((str(p) for p in files if p.suffix == ".md"), None)
        return brief_html(b), js, md

    def generate_all(progress=gr.Progress()):  # noqa: B008
        ids = sorted(docs)
        done = []
        for doc_id in progress.tqdm(ids, desc="生成简报"):
            try:
                brief_for(doc_id)
                done.append(f"✓ {doc_label(docs[doc_id])}")
            except Exception as err:
                done.append(f"✗ {doc_label(docs[doc_id])}: {html.escape(str(err))[:200]}")
        return "\n\n".join(done)

    # ------------------------------------------------------------ 对比
    def run_compare(indicator: str):
        if brief_mod is None or not hasattr(brief_mod, "compare"):
            t, c = compare_frames([])
            return t, c, "qa.brief.compare 尚不可用"
        try:
            rows = _rows(brief_mod.compare(indicator, settings))
        except Exception as err:
            t, c = compare_frames([])
            return t, c, f"对比失败: {html.escape(str(err))}"
        table, chart = compare_frames(rows)
        return table, chart, f"{len(rows)} 条记录" if rows else "没有找到这个指标"

    # ------------------------------------------------------------ 评测
    report_md = ROOT / "reports" / "eval" / "report.md"

    def read_report() -> str:
        for p in (Path.cwd() / "reports" / "eval" / "report.md", report_md):
            if p.exists():
                return p.read_text(encoding="utf-8")
        return "还没有评测报告（reports/eval/report.md）。"

    def rerun_eval():
        if eval_mod is None:
            return "qa.evaluate 尚不可用"
        buf = io.StringIO()
        try:
            with contextlib.redirect_stdout(buf):
                eval_mod.run_cli(_parse_cli("eval", "--report", str(report_md.parent)), settings)
        except Exception as err:
            return f"评测失败: {html.escape(str(err))}\n\n{buf.getvalue()[-2000:]}"
        return read_report()

    # ------------------------------------------------------------ layout
    with gr.Blocks(title="planqa · 五年规划问答", analytics_enabled=False) as demo:
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
                            scope = gr.Dropdown(scope_choices(), value=ALL, label="规划 / 地区", elem_id="qa-scope")
                            engine = gr.Dropdown([(ENGINE_LABELS[e], e) for e in engines(settings)],
                                                 value="extractive", label="引擎", elem_id="qa-engine")
                            clear_btn = gr.Button("清空", elem_id="qa-clear")
                        gr.Examples(EXAMPLES, inputs=box, label="示例问题")
                    with gr.Column(scale=2):
                        gr.Markdown("### 引用原文")
                        sources = gr.HTML(sources_html(None, docs), elem_id="qa-sources")
                ev = dict(fn=ask, inputs=[box, chatbot, scope, engine], outputs=[chatbot, sources, box],
                          concurrency_limit=4, api_name="ask")
                box.submit(**ev)
                send.click(**{**ev, "api_name": False})
                clear_btn.click(clear, None, [chatbot, sources, box], api_name=False)

            with gr.Tab("简报", id="briefs"):
                if brief_mod is None or not (hasattr(brief_mod, "brief_one") or hasattr(brief_mod, "run_cli")):
                    gr.Markdown("⚠ 简报模块（qa.brief）尚未安装或不可用，此页暂不可用。")
                else:
                    with gr.Row():
                        pick = gr.Dropdown([(doc_label(d), d.id) for d in sorted(docs.values(), key=lambda d: d.id)],
                                           value=None, label="选择规划", elem_id="qa-brief-pick", scale=3)
                        show = gr.Button("生成 / 查看简报", variant="primary", elem_id="qa-brief-show", scale=1)
                        all_btn = gr.Button("全部生成", elem_id="qa-brief-all", scale=1)
                    brief_view = gr.HTML("<p>选择一份规划</p>", elem_id="qa-brief")
                    with gr.Row():
                        dl_json = gr.File(label="JSON", interactive=False)
                        dl_md = gr.File(label="Markdown", interactive=False)
                    all_log = gr.Markdown()
                    show.click(show_brief, pick, [brief_view, dl_json, dl_md], api_name="brief", concurrency_limit=1)
                    pick.change(show_brief, pick, [brief_view, dl_json, dl_md], api_name=False, concurrency_limit=1)
                    all_btn.click(generate_all, None, all_log, api_name=False, concurrency_limit=1)

            with gr.Tab("对比", id="compare"):
                if brief_mod is None or not hasattr(brief_mod, "compare"):
                    gr.Markdown("⚠ 对比功能需要 qa.brief.compare，尚不可用。")
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
                    trig(run_compare, ind, [cmp_table, cmp_plot, cmp_note], api_name=False)
                demo.load(run_compare, ind, [cmp_table, cmp_plot, cmp_note], api_name=False)

            with gr.Tab("评测", id="eval"):
                report = gr.Markdown(read_report(), elem_id="qa-eval-report")
                with gr.Row():
                    refresh = gr.Button("刷新报告", elem_id="qa-eval-refresh")
                    rerun = gr.Button("重新评测" if eval_mod else "重新评测（qa.evaluate 不可用）",
                                      interactive=eval_mod is not None, elem_id="qa-eval-run")
                refresh.click(read_report, None, report, api_name=False)
                rerun.click(rerun_eval, None, report, api_name=False, concurrency_limit=1)
    return demo


def theme():
    gr = _gradio()
    return gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def _auth(settings: Settings) -> tuple[str, str] | None:
    if settings.auth is None:
        return None
    raw = settings.auth.get_secret_value()
    user, sep, password = raw.partition(":")
    if not sep or not user or not password:
        raise ValueError("QA_AUTH must look like user:password")
    return user, password


def serve(settings: Settings) -> None:
    _gradio()
    auth = _auth(settings)
    demo = build_app(settings)
    demo.queue(default_concurrency_limit=4, max_size=256)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
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
        allowed_paths=[str(Path(settings.home) / "briefs")],
    )
