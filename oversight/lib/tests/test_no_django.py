import subprocess
import sys
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[3]

PROBE = """
import sys
import oversight  # the project package may import what it likes; the helpers may not
before = {name for name in sys.modules if name.split(".")[0] in {"django", "rest_framework"}}
import oversight.lib.canonical, oversight.lib.crypto, oversight.lib.resident_id
import oversight.lib.workdays
after = {name for name in sys.modules if name.split(".")[0] in {"django", "rest_framework"}}
print(sorted(after - before))
"""


def test_it_imports_nothing_from_django():
    # A fresh interpreter, since the test run itself may have Django loaded.
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=REPOSITORY,
    )
    assert result.stdout.strip() == "[]", result.stdout
