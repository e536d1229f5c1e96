"""The runnable Python examples of the README and the generated docs, and how to run one."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path
from typing import Dict, List, Tuple

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_HOST = "http://127.0.0.1:8080/api/v1"
EXAMPLE_HOST_V2 = "http://127.0.0.1:8080/api/v2"
_PYTHON_BLOCK = re.compile(r"```python\n(.*?)```", re.DOTALL)


def python_blocks(path: Path) -> List[str]:
    """The ```python blocks of a markdown file."""
    return _PYTHON_BLOCK.findall(path.read_text(encoding="utf-8"))


def runnable_examples() -> List[Tuple[str, str]]:
    """(name, code) of every example that talks to a server: README and the generated docs of
    both APIs."""
    docs = [ROOT / "generated" / "docs", ROOT / "generated" / "v2" / "docs"]
    files = [ROOT / "README.md", *(path for folder in docs for path in sorted(folder.glob("*.md")))]
    found = []
    for path in files:
        for number, code in enumerate(python_blocks(path), 1):
            if EXAMPLE_HOST in code or EXAMPLE_HOST_V2 in code:
                found.append((f"{path.relative_to(ROOT)}#{number}", code))
    return found


def run_example(code: str, url: str) -> str:
    """Run an example against the server whose /api/v1 is at `url`; return what it printed."""
    printed = io.StringIO()
    namespace: Dict[str, object] = {"__name__": "__example__"}
    code = code.replace(EXAMPLE_HOST, url).replace(EXAMPLE_HOST_V2, url[: -len("/v1")] + "/v2")
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "<example>", "exec"), namespace)
    return printed.getvalue()
