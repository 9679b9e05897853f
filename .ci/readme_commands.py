"""Run the README's command blocks as typed, on a clone where `make run` ran.

A ```sh block right after the line ``<!-- ci: after make run -->`` is a promise
that each of its lines runs as shown, in the checkout, once `make run` has set
the machine up. Each line runs in bash from the checkout with the caller's
environment (no DEBUG, no SECRET_KEY: what a new developer's shell has); its
first line of output is printed; any failure fails the run.

    .venv/bin/python .ci/readme_commands.py [README.md]
"""

import re
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
MARK = "<!-- ci: after make run -->"
BLOCK = re.compile(re.escape(MARK) + r"\s*\n```sh\n(.*?)\n```", re.DOTALL)


def commands(readme: str) -> list[str]:
    found = []
    for block in BLOCK.findall(readme):
        found.extend(
            line for line in block.splitlines() if line and not line.startswith("#")
        )
    return found


def main(path: str = "README.md") -> int:
    readme = (BASE_DIR / path).read_text(encoding="utf-8")
    lines = commands(readme)
    if not lines or readme.count(MARK) != len(BLOCK.findall(readme)):
        sys.stderr.write(f"{path}: a '{MARK}' line without a ```sh block after it\n")
        return 1
    failed = 0
    for line in lines:
        started = time.monotonic()
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", line],
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        output = (result.stdout.strip() or result.stderr.strip()).splitlines()
        first = output[0] if output else "(no output)"
        took = time.monotonic() - started
        status = f"exit {result.returncode} in {took:.1f}s"
        sys.stdout.write(f"$ {line}\n  -> {status}: {first}\n")
        if result.returncode != 0:
            failed += 1
            sys.stdout.write(result.stdout[-3000:] + result.stderr[-3000:] + "\n")
    sys.stdout.write(f"README: {len(lines)} commands ran, {failed} failed\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
