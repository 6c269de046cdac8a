"""The page itself: the Gradio Blocks of the 问答 / 简报 / 对比 / 评测 tabs, and ``serve``.

The page binds to 127.0.0.1 unless asked otherwise, never opens a share link and loads nothing
from outside: the theme uses system fonts only (no Google Fonts), server-side rendering (a node
process) is off, analytics are off. ``QA_AUTH=user:password`` turns the login on. The layout is
here; what each button does is ``qa.web.page.Page``, what it shows ``qa.web.render``.
"""

from __future__ import annotations

import html
import ipaddress
from pathlib import Path
from typing import Any

from qa.config import ConfigError, Settings
from qa.formats import SUFFIXES
from qa.web.api import ApiGuard, add_tools, http_routes, mcp_lifespan
from qa.web.page import ALL, Page, gradio
from qa.web.render import compare_frames, doc_label, sources_html

EXAMPLES = [
    "双城区2025年森林覆盖率目标是多少？",
    "大同区到2010年地区生产总值计划达到多少？",
    "阳泉市到2010年地区生产总值要达到多少？",
]
INDICATORS = ["地区生产总值", "森林覆盖率", "城镇居民人均可支配收入", "农村居民人均可支配收入",
              "财政收入", "固定资产投资", "社会消费品零售总额", "城镇化率"]
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


def build_app(settings: Settings, gold: Path | None = None, report_dir: Path | None = None) -> Any:
    """The Blocks app; ``gold`` / ``report_dir`` default to the CLI's (evals/indicators.jsonl, reports/eval)."""
    gr = gradio()
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

            with gr.Tab("文档", id="documents"):
                note = ("上传 .pdf / .docx / .html / .txt / .md 规划文件，导入后即可提问；"
                        f"单个文件不超过 {settings.store.max_file_mb:g} MB。" if page.uploads_allowed else
                        "上传和删除文档需要登录：用 QA_AUTH=user:password 启动页面。")
                gr.Markdown(note, elem_id="qa-docs-note")
                files = gr.File(label="规划文件", file_count="multiple", file_types=sorted(SUFFIXES),
                                interactive=page.uploads_allowed, elem_id="qa-upload")
                with gr.Row():
                    upload_btn = gr.Button("导入", variant="primary", elem_id="qa-upload-run",
                                           interactive=page.uploads_allowed)
                    doc_pick = gr.Dropdown(page.doc_choices(), value=None, label="已导入的规划",
                                           elem_id="qa-doc-pick", scale=3)
                    remove_btn = gr.Button("删除", elem_id="qa-doc-remove", interactive=page.uploads_allowed)
                docs_status = gr.Markdown(elem_id="qa-docs-status")

                # the lists follow the store: a page opened (or reloaded) after an upload offers the new plan
                demo.load(lambda: tuple(gr.update(choices=c) for c in (page.doc_choices(), page.doc_choices(),
                                                                         page.region_choices(), page.plan_choices(),
                                                                         page.scope_choices())),
                          None, [doc_pick, pick, region, plan, scope], api_name=False)

                def upload(fs, progress=gr.Progress()):  # noqa: B008 - how gradio injects progress
                    yield from page.upload(fs, progress)

                upload_btn.click(upload, files, [docs_status, doc_pick], api_name=False, concurrency_limit=1,
                                 concurrency_id="ingest")
                remove_btn.click(page.remove_doc, doc_pick, [docs_status, doc_pick], api_name=False,
                                 concurrency_limit=1, concurrency_id="ingest")

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

        add_tools(demo, page)  # hook: search/ask/compare/brief as MCP tools and API endpoints (qa/web/api.py)
    return demo


def theme() -> Any:
    gr = gradio()
    return gr.themes.Default(font=SYSTEM_FONTS, font_mono=MONO_FONTS)


def _auth(settings: Settings) -> tuple[str, str] | None:
    if settings.web.auth is None:
        return None
    raw = settings.web.auth.get_secret_value()
    user, sep, password = raw.partition(":")
    if not sep or not user or not password:
        raise ConfigError("QA_AUTH must look like user:password")
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
    """`qa serve`: the page on settings.web.host:port (127.0.0.1 unless --host / QA_HOST says otherwise),
    behind ``qa.web.guard.Guard`` (login throttling, no uploads without a login)."""
    import os
    import sys

    gradio()
    auth = _auth(settings)
    if not is_loopback(settings.web.host):
        print(f"qa serve: listening on {settings.web.host}: reachable from other machines"
              + ("" if auth else " WITHOUT a login (set QA_AUTH=user:password)"), file=sys.stderr)
    demo = build_app(settings, gold=gold, report_dir=report_dir)
    demo.queue(default_concurrency_limit=4, max_size=256)
    from starlette.middleware import Middleware

    # hook (qa/web/api.py): Guard plus the login on /api/v1 and /gradio_api/mcp; the HTTP API's routes
    guard = Middleware(ApiGuard, auth=auth is not None, attempts=settings.web.login_attempts,
                       window=settings.web.login_window, credentials=auth)
    # uvicorn (started by Gradio) trusts X-Forwarded-For from 127.0.0.1 unless told otherwise: a client on this
    # machine could then rotate the header past the login throttle. Only configured proxies are trusted.
    os.environ["FORWARDED_ALLOW_IPS"] = settings.web.trusted_proxies
    demo.launch(
        app_kwargs={"middleware": [guard],  # in front of every Gradio route: logins, uploads, the API's login
                    "routes": http_routes(demo.qa_tools),  # /api/v1, ahead of Gradio's routes
                    "lifespan": mcp_lifespan(demo)},  # the MCP server lists our tools only
        server_name=settings.web.host,
        server_port=settings.web.port,
        auth=auth,
        share=False,
        inbrowser=False,
        ssr_mode=False,
        pwa=False,
        mcp_server=True,  # the tools add_tools registered, at /gradio_api/mcp/ (streamable HTTP) and …/sse
        enable_monitoring=False,
        show_error=True,
        theme=theme(),
        css=CSS,
        quiet=False,
        allowed_paths=[str(demo.qa_page.briefs_dir)],
        max_file_size=f"{settings.store.max_file_mb:g}mb",  # refused by the server before it is stored
        prevent_thread_lock=True,
    )
    from qa.web.resident import announced

    with announced(settings, demo.server_port):  # `qa ask` on this store now asks this process
        demo.block_thread()
