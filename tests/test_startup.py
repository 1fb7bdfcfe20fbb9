"""Start-up: the machine formats and `--version` do not pay for what only the terminal report needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import FIXTURES

ROOT = Path(__file__).resolve().parent.parent


def _modules_after(script: str) -> set[str]:
    """The top-level modules a fresh interpreter has imported after running `script`."""
    probe = script + "\nimport json, sys\nsys.__stdout__.write(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, cwd=ROOT, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_importing_the_cli_does_not_import_rich_or_the_audit():
    modules = _modules_after("import auditor.cli")
    assert "rich" not in modules
    assert "yaml" not in modules


def test_a_json_audit_does_not_import_rich():
    script = (
        "import io, sys\n"
        "from auditor.cli import app\n"
        "sys.stdout = io.StringIO()\n"
        f"try:\n    app(['audit', {str(FIXTURES / 'example-repo')!r}, '--format', 'json'])\n"
        "except SystemExit:\n    pass\n"
        "sys.stdout = sys.__stdout__\n"
    )
    assert "rich" not in _modules_after(script)


def test_help_is_drawn_without_rich():
    script = (
        "import io, sys\n"
        "from auditor.cli import app\n"
        "sys.stdout = io.StringIO()\n"
        "try:\n    app(['audit', '--help'])\n"
        "except SystemExit:\n    pass\n"
        "sys.stdout = sys.__stdout__\n"
    )
    assert "rich" not in _modules_after(script)
