"""The page's handlers (``Page``): what each tab does, calling the same functions as the CLI.

问答 answers through ``qa.answer`` (streamed with the LLM engine), 简报 briefs through ``qa.brief``,
对比 compares through ``qa.brief.compare``, 评测 runs ``qa.eval.run``. A handler is a plain method,
callable without a browser; everything the browser sends (document ids, filters, engine, chat
history) is checked against what the server knows before it is used, and document files are read
only inside the configured folders (``qa.web.files``). Gradio is imported lazily (``gradio()``),
only after its analytics are switched off.
"""

from __future__ import annotations

import html
import io
import json
import os
import queue
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qa.config import Settings
from qa.web.files import doc_path, doc_roots
from qa.web.render import (
    answer_markdown,
    brief_html,
    compare_frames,
    doc_label,
    plan_label,
    preview_markdown,
    sources_html,
    table_rows,
    warning_markdown,
)

if TYPE_CHECKING:
    from qa.models import Document

ROOT = Path(__file__).resolve().parents[2]
ALL = "__all__"
GOLD = Path("evals/indicators.jsonl")  # the CLI's defaults (`qa eval`), relative to the working directory
REPORT_DIR = Path("reports/eval")
PENDING = "⏳ 正在检索并生成回答…"


def gradio() -> Any:
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


def _shown(question: str) -> str:
    """The question as the chat shows it: a very long one cut (it is refused anyway)."""
    from qa.answer.question import MAX_QUESTION

    return question if len(question) <= MAX_QUESTION else question[:MAX_QUESTION] + "…"


# ---------------------------------------------------------------- the handlers

class Page:
    """The page's handlers, callable without a browser; every input is checked before use."""

    def __init__(self, settings: Settings, gold: Path | None = None, report_dir: Path | None = None,
                 briefs_dir: Path | None = None):
        from qa.retrieve import Retriever

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
        """A request the page refuses: the message in the browser, no traceback in the server's log."""
        return gradio().Error(message, print_exception=False)

    @staticmethod
    def _log_fault(err: Exception) -> None:
        """A fault on the server's side (the store cannot be reached): one line in `qa serve`'s log,
        naming what failed and why (a StoreError's message names the store and the cause)."""
        print(f"qa serve: error: {err}", file=sys.stderr, flush=True)

    def _fault(self, err: Exception) -> Exception:
        """The fault logged in one line, and the same line for the browser."""
        self._log_fault(err)
        return gradio().Error(str(err), print_exception=False)

    # ------------------------------------------------------------ 问答

    def ask(self, message: str, history: Any, scope: str | None, engine: str | None,
            region: str | None = None, plan: str | None = None) -> Iterator[tuple[Any, Any, str]]:
        """Answer one question (streamed with the LLM engine); yields (history, sources, box).

        A question no engine should see is answered with the reason `qa ask` prints for it (the
        same ``qa.answer.question_problem``); a store that cannot be reached is one line in the
        server's log and in the chat.
        """
        from qa.store.chroma import StoreError

        q = (message or "").strip()
        try:
            yield from self._ask(q, clean_history(history), scope, engine, region, plan)
        except StoreError as err:
            self._log_fault(err)
            turn = [{"role": "user", "content": _shown(q)}] if q else []
            turn.append({"role": "assistant", "content": warning_markdown(str(err))})
            yield [*clean_history(history), *turn], sources_html(None, {}), ""

    def _ask(self, q: str, history: list[dict[str, str]], scope: str | None, engine: str | None,
             region: str | None, plan: str | None) -> Iterator[tuple[Any, Any, str]]:
        from qa.answer import question_problem
        from qa.store.chroma import StoreError

        gr = gradio()
        doc = self._pick(scope, self.scope_choices(), "规划文件")
        region = self._pick(region, self.region_choices(), "地区")
        plan = self._pick(plan, self.plan_choices(), "规划期")
        engine = engine or "extractive"
        if engine not in self.engines:
            raise self._error(f"引擎 {str(engine)[:40]} 不可用（可用: {', '.join(self.engines)}）")
        if not q:
            yield history, gr.skip(), ""
            return
        history.append({"role": "user", "content": _shown(q)})
        problem = question_problem(q)
        if problem:
            history.append({"role": "assistant", "content": warning_markdown(problem)})
            yield history, sources_html(None, {}), ""
            return
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
            except StoreError:
                raise
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
        gr = gradio()
        if not doc_id:
            return "<p>选择一份规划</p>", gr.update(value=None, interactive=False), \
                gr.update(value=None, interactive=False)
        from qa.store.chroma import StoreError

        try:
            b = self.brief(doc_id)
        except StoreError as err:
            raise self._fault(err) from None
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
            rows = table_rows(compare(indicator, self.settings))
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
        """Run the eval (qa.eval.run.run, what `qa eval` runs) on the gold file and show the new report."""
        from qa.eval.gold import GoldError
        from qa.eval.report import UsageError
        from qa.eval.run import run
        from qa.store.chroma import StoreError

        log = io.StringIO()
        try:
            run(self.gold_path(), self.settings, report_dir=self.report_dir, log=log)
        except (GoldError, UsageError, OSError) as err:
            raise self._error(f"评测失败: {err}") from None
        except StoreError as err:
            raise self._fault(err) from None
        warnings = log.getvalue().strip()
        note = f"<sub>{html.escape(warnings)}</sub>\n\n" if warnings else ""
        return note + self.read_report()

    # ------------------------------------------------------------ 文档 (upload, remove)

    @property
    def uploads_allowed(self) -> bool:
        return self.settings.web.auth is not None

    def doc_choices(self) -> list[tuple[str, str]]:
        return [(doc_label(d), d.id) for d in sorted(self.docs.values(), key=lambda d: d.id)]

    def upload(self, files: Any, progress: Any = None) -> Iterator[tuple[str, Any]]:
        """Copy the uploaded plan files into the documents folder and ingest it; yields (status, doc list)."""
        from qa.store.chroma import StoreError
        from qa.web.documents import UploadError, ingest_folder, place

        gr = gradio()
        if not self.uploads_allowed:
            raise self._error("上传需要登录：用 QA_AUTH=user:password 启动页面")
        try:
            placed = place(self.settings, files if isinstance(files, list) else [files] if files else [])
        except UploadError as err:
            yield f"⚠ {html.escape(str(err))}", gr.skip()
            return
        if not placed:
            yield "（没有选择文件）", gr.skip()
            return
        try:
            for line in ingest_folder(self.settings, progress):
                yield html.escape(line), gr.skip()
        except StoreError as err:
            raise self._fault(err) from None
        yield html.escape(line), gr.update(choices=self.doc_choices(), value=None)

    def remove_doc(self, doc_id: str | None) -> Iterator[tuple[str, Any]]:
        """Delete one document's file from the documents folder and ingest it again (the store drops it)."""
        from qa.store.chroma import StoreError
        from qa.web.documents import UploadError, remove

        gr = gradio()
        if not self.uploads_allowed:
            raise self._error("删除文档需要登录：用 QA_AUTH=user:password 启动页面")
        try:
            path = remove(self.settings, doc_id or "", self.docs)
        except (UploadError, StoreError) as err:
            yield f"⚠ {html.escape(str(err))}", gr.skip()
            return
        yield html.escape(f"已删除 {path.name}（已从库中移除）"), gr.update(choices=self.doc_choices(), value=None)
