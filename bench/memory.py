"""Peak memory of reading one file, each in a fresh process (`python bench/memory.py`).

Files made here: a seed as .docx, a .docx whose XML unpacks to N MB (argv[1], default 300: a zip bomb of < 2 MB), and a scanned
PDF page of 14,400 × 14,400 points. Prints, per file, its size, the outcome (read / refused and why) and the
peak resident memory of the process that read it. The bound planqa holds to: under 2 GB for any file of
20 MB or less (QA_MAX_FILE_MB), because work per file is bounded before it is done.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
READ = """
import json, resource, sys, time
from pathlib import Path
from qa.formats import FormatError, read_document
p = Path(sys.argv[1]); t = time.perf_counter()
try:
    out = f"read, {len(read_document(p, p.read_bytes()).text)} characters"
except FormatError as e:
    out = "refused: " + str(e).split(': ', 1)[1][:90]
print(json.dumps({"outcome": out, "seconds": round(time.perf_counter() - t, 2),
                  "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}))
"""


def make(d: Path) -> list[Path]:
    import docx
    from PIL import Image

    seed = sorted((ROOT / "seeds").glob("004_*.txt"))[0].read_text("utf-8")
    doc = docx.Document()
    for line in seed.splitlines():
        doc.add_paragraph(line)
    plain = d / "seed-004.docx"
    doc.save(str(plain))
    with zipfile.ZipFile(plain) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    body = parts["word/document.xml"]
    para = b"<w:p><w:r><w:t>" + "地区生产总值".encode() * 40 + b"</w:t></w:r></w:p>"
    at = body.index(b"<w:body>") + len(b"<w:body>")
    parts["word/document.xml"] = body[:at] + para * (int(sys.argv[1] if len(sys.argv) > 1 else 300) * 1024 * 1024 // len(para)) + body[at:]
    bomb = d / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    giant = d / "giant-page.pdf"
    Image.new("L", (1000, 1000), 255).save(giant, "PDF", resolution=5.0)
    return [plain, bomb, giant]


def main() -> None:
    with tempfile.TemporaryDirectory() as t:
        for f in make(Path(t)):
            out = subprocess.run([sys.executable, "-c", READ, str(f)], capture_output=True, text=True, cwd=ROOT)
            got = json.loads(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else {"outcome": out.stderr[-200:]}
            print(f"{f.name:18} {f.stat().st_size / 1024:9.0f} KB  peak {got.get('peak_mb', '?'):>5} MB  "
                  f"{got.get('seconds', '?'):>5} s  {got['outcome']}")


if __name__ == "__main__":
    main()
