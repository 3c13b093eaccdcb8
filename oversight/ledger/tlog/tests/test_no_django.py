"""The tlog core is a library: importing it must not import Django."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[4]


def test_it_imports_nothing_from_django():
    code = (
        "import sys, oversight.ledger.tlog, oversight.ledger.tlog.receipt;"
        "import oversight.ledger.tlog.cosignature;"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr
