"""Detection rate of the secret scan on the test corpus: secrets found, look-alikes let pass.

    python bench/secret_detection.py

Prints each figure and every miss; exits 1 when a secret is missed or a look-alike reported.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from secret_corpus import NEGATIVE, POSITIVE

from opsvault.checks.secrets import find_secrets


def main() -> int:
    missed = [line for line in POSITIVE if not find_secrets(line)]
    false_alarms = [line for line in NEGATIVE if find_secrets(line)]
    found = len(POSITIVE) - len(missed)
    passed = len(NEGATIVE) - len(false_alarms)
    print(f"secrets found: {found} of {len(POSITIVE)} ({found / len(POSITIVE):.0%})")
    print(f"look-alikes let pass: {passed} of {len(NEGATIVE)} ({passed / len(NEGATIVE):.0%})")
    for line in missed:
        print(f"  missed: {line}")
    for line in false_alarms:
        print(f"  false alarm: {line}")
    return 1 if missed or false_alarms else 0


if __name__ == "__main__":
    raise SystemExit(main())
