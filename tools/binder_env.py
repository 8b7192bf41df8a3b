"""A fresh Python environment built from `binder/` alone, as repo2docker builds Binder's (`make binder-env`).

repo2docker installs `binder/requirements.txt` into a new environment and runs `binder/postBuild`; this
does the same in `_build/binder-env/` with this machine's Python (the version `binder/runtime.txt` names).
The one change: PyTorch's own index is left out, since only the package registries can be reached from
here; pip then takes torch 2.13.0+cpu from the machine's local wheel. tests/test_binder.py runs a chapter
and an exercise in the environment's own kernel. `make test` builds it while the books are built.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from tools.notebook_settings import ROOT

ENV = ROOT / "_build" / "binder-env"
SOURCES = ["binder/requirements.txt", "binder/postBuild", "binder/runtime.txt", "constraints.txt"]


def requirements_here(text: str) -> str:
    """binder/requirements.txt as this machine can resolve it: without PyTorch's index."""
    kept = [line for line in text.splitlines() if not line.startswith("--extra-index-url")]
    if len(kept) != len(text.splitlines()) - 1:
        raise ValueError("binder/requirements.txt should name PyTorch's CPU index once")
    return "\n".join(kept) + "\n"


def fingerprint() -> str:
    """What the environment is built from: a digest of the Binder files and the project's pins."""
    digest = hashlib.sha256()
    for name in SOURCES:
        digest.update(name.encode() + b"\0" + (ROOT / name).read_bytes())
    return digest.hexdigest()


def environment(env: Path) -> dict[str, str]:
    """The process environment for commands run in `env`: its bin first, its own Jupyter kernels only."""
    clean = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    clean.update(PATH=f"{env / 'bin'}:{clean['PATH']}", JUPYTER_PATH=str(env / "share" / "jupyter"),
                 JUPYTER_DATA_DIR=str(env / "jupyter-data"))
    return clean


def build(env: Path = ENV) -> Path:
    """Build the environment from scratch in `env` (requirements, then postBuild); returns it."""
    runtime = (ROOT / "binder" / "runtime.txt").read_text(encoding="utf-8").strip()
    if runtime != f"python-{sys.version_info.major}.{sys.version_info.minor}":
        raise RuntimeError(f"Binder uses {runtime}; build its environment with that Python")
    shutil.rmtree(env, ignore_errors=True)
    repo = env / "repo"  # binder/ and constraints.txt side by side, as `-c ../constraints.txt` expects
    (repo / "binder").mkdir(parents=True)
    (repo / "binder" / "requirements.txt").write_text(
        requirements_here((ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8")), encoding="utf-8")
    shutil.copyfile(ROOT / "constraints.txt", repo / "constraints.txt")
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True)
    subprocess.run([str(env / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-compile",
                    "--disable-pip-version-check", "-r", str(repo / "binder" / "requirements.txt")],
                   env=environment(env), check=True)
    subprocess.run(["bash", str(ROOT / "binder" / "postBuild")], cwd=ROOT, env=environment(env), check=True,
                   stdout=subprocess.DEVNULL)
    (env / "fingerprint").write_text(fingerprint(), encoding="utf-8")
    return env


def current(env: Path = ENV) -> bool:
    """Whether `env` was built from the Binder files as they are now."""
    stamp = env / "fingerprint"
    return stamp.exists() and stamp.read_text(encoding="utf-8") == fingerprint()


def main() -> int:
    start = time.perf_counter()
    build()
    print(f"built {ENV.relative_to(ROOT)} from binder/ in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
