"""Collect a class on the teacher's side, then grade it there: the authoritative score.

    python -m linreg_course.grader collect SOURCE... --into DIR [--before 2026-12-24T23:59]
                                           [--assignment SLUG] [--grade GRADER OPTIONS...]

A SOURCE is an LMS's download (a `.zip`: only its notebooks are unpacked, never outside DIR) or a text
file listing student repositories, one URL or path a line (GitHub Classroom's, for example). Of each
repository, the notebooks committed in `work/` are copied to `DIR/SLUG-submissions/REPOSITORY/work/`, the
layout `gh classroom clone` makes, so the grader reads the GitHub user name from it; with `--before`,
those of the last commit before that time. `DIR/collected.csv` records each repository's commit. With
`--grade`, the grader then runs on DIR with the options that follow (`--hidden`, `--roster`, `--out`,
...), always in the sandbox (`--no-sandbox` is refused). The student's own CI run is feedback; this run
(the teacher's code and hidden tests, the students' notebooks sandboxed) is the score.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path, PurePosixPath


def unpack_notebooks(archive: Path, target: Path) -> list[Path]:
    """The notebooks of a zip, written below `target` (entries that would leave it are skipped)."""
    written = []
    with zipfile.ZipFile(archive) as zipped:
        for info in zipped.infolist():
            name = PurePosixPath(info.filename)
            if info.is_dir() or name.suffix != ".ipynb" or name.is_absolute() or ".." in name.parts:
                continue
            if (info.external_attr >> 16) & 0o170000 == 0o120000:  # a symbolic link
                continue
            path = target.joinpath(*name.parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            with zipped.open(info) as source, open(path, "wb") as sink:
                sink.write(source.read(50 * 2**20 + 1)[: 50 * 2**20])
            written.append(path)
    return written


def _git(*args: str, cwd: Path | None = None) -> str:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()


def assignment_slug(names: list[str]) -> str:
    """The common prefix of the repositories' names up to a `-` (GitHub Classroom's assignment slug)."""
    prefix = os.path.commonprefix(names) if len(names) > 1 else names[0].rsplit("-", 1)[0] + "-"
    return prefix[: prefix.rfind("-")] if "-" in prefix else "classroom"


def clone_repositories(listing: Path, target: Path, before: str | None, slug: str | None) -> list[list[str]]:
    """Copy each listed repository's committed `work/` notebooks into the class folder; rows of collected.csv."""
    sources = [line.strip() for line in listing.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")]
    names = [PurePosixPath(s.rstrip("/")).name.removesuffix(".git") for s in sources]
    slug = slug or assignment_slug(names)
    rows = []
    for source, name in zip(sources, names, strict=True):
        folder = target / f"{slug}-submissions" / name / "work"
        with tempfile.TemporaryDirectory(prefix="collect-") as scratch:
            clone = Path(scratch) / "repository"
            try:
                _git("clone", "--quiet", source, str(clone))
                commit = _git("rev-list", "-1", f"--before={before}", "HEAD", cwd=clone) if before else \
                    _git("rev-parse", "HEAD", cwd=clone)
                if not commit:
                    rows.append([name, source, "", "", "no commit before the deadline"])
                    continue
                _git("checkout", "--quiet", "--force", commit, cwd=clone)
                committed = _git("log", "-1", "--format=%cI", commit, cwd=clone)
            except subprocess.CalledProcessError as error:
                why = ((error.stderr or str(error)).strip().splitlines() or ["git failed"])[-1][:200]
                rows.append([name, source, "", "", why])
                continue
            if folder.exists():
                shutil.rmtree(folder)
            folder.mkdir(parents=True)
            for notebook in sorted((clone / "work").glob("*.ipynb")):
                if notebook.is_file() and not notebook.is_symlink():
                    shutil.copyfile(notebook, folder / notebook.name)
            rows.append([name, source, commit, committed, ""])
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    own, grader_options = (argv[: argv.index("--grade")], argv[argv.index("--grade") + 1:]) if "--grade" in argv \
        else (argv, None)
    parser = argparse.ArgumentParser(prog="python -m linreg_course.grader collect", description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="+", type=Path, help="LMS downloads (.zip) or lists of repositories (.txt)")
    parser.add_argument("--into", type=Path, required=True, help="the folder to collect the class into")
    parser.add_argument("--before", help="check out each repository's last commit before this time (ISO 8601)")
    parser.add_argument("--assignment", help="the assignment's slug (default: the repositories' common prefix)")
    args = parser.parse_args(own)
    if grader_options is not None and "--no-sandbox" in grader_options:
        parser.error("collect --grade grades the class authoritatively, in the sandbox: --no-sandbox is refused")
    args.into.mkdir(parents=True, exist_ok=True)
    rows = []
    for source in args.sources:
        if zipfile.is_zipfile(source):
            found = unpack_notebooks(source, args.into / source.stem)
            print(f"{source}: {len(found)} notebooks unpacked into {args.into / source.stem}")
        else:
            cloned = clone_repositories(source, args.into, args.before, args.assignment)
            rows += cloned
            failed = [r for r in cloned if r[4]]
            print(f"{source}: {len(cloned) - len(failed)} repositories collected"
                  + (f"; not collected: {', '.join(f'{r[0]} ({r[4]})' for r in failed)}" if failed else ""))
    if rows:
        with open(args.into / "collected.csv", "w", encoding="utf-8", newline="") as file:
            writer = csv.writer(file, lineterminator="\n")
            writer.writerow(["repository", "source", "commit", "committed", "problem"])
            writer.writerows(rows)
    if grader_options is None:
        print(f"now grade it: python -m linreg_course.grader {args.into} --hidden DIR --roster FILE")
        return 0
    from linreg_course.grader.cli import main as grade_main

    return grade_main([str(args.into), *grader_options])
