"""Who submitted a notebook, read from where it lies: the download layouts of common LMSs and of GitHub Classroom.

Each notebook is found under a folder the teacher named on the command line (its *root*); its path below
that root is read by the first rule that matches:

- GitHub Classroom (`gh classroom clone student-repos`): `SLUG-submissions/SLUG-USERNAME/...`; the student
  is the GitHub user name.
- Moodle ("Download all submissions"): a folder or file `Full Name_12345_assignsubmission_file_...`; the
  student is the full name, 12345 the participant number of the assignment's grading worksheet
  (`Participant_12345_...` under blind marking).
- Canvas ("Download Submissions"): `lastfirst_12345_67890_original-name.ipynb`, with `_LATE` after the
  name when it came late and `-1`, `-2` before the extension for a resubmission; 12345 is the Canvas user ID.
- Blackboard: `Assignment_username_attempt_2026-12-05-18-20-00_original-name.ipynb`.
- A name with a comma before ` - `: `Müller, Anna - ex03 (1).ipynb`, the ` (1)` a browser's copy number.
- A folder per student: `class/anna/03_gradient_descent.ipynb`; the student is the first folder.
- Otherwise a notebook directly in the root: named like an exercise, it belongs to the root folder (one
  student's `work/`); any other name is the student's (`class/anna.ipynb`).

`--student-pattern REGEX` overrides these rules (a named group `student`, optionally `exercise`), and a
roster CSV maps what was read onto the teacher's own student list (`linreg_course.grader.roster`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from linreg_course.grader.submission import Corrupt, known_exercises, read_submission

_CLASSROOM_FOLDER = re.compile(r"^(?P<slug>.+)-submissions$")
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<participant>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<rest>.*)$")
_CANVAS = re.compile(r"^(?P<login>[a-z0-9]+)(?P<late>_LATE)?_(?P<user>\d+)_(?P<attachment>\d+)_(?P<rest>.+)$")
_BLACKBOARD = re.compile(r"^(?P<assignment>.+)_(?P<user>[^_]+)_attempt_(?P<time>[0-9-]{10,})(?:_(?P<rest>.+))?$")
_COMMA_NAME = re.compile(r"^(?P<name>[^,]+,[^,]+?) - (?P<rest>.+)$")
_COPY_NUMBER = re.compile(r"(?: \(\d+\)|-\d+)$")
_EXERCISE_NUMBER = re.compile(r"(?i)^(?:ex|exercise|exercises|ubung|uebung|sheet|lab|hw)?[\s_.-]*0*(\d{1,2})(?!\d)")


@dataclass(frozen=True)
class Identity:
    """A submitter as the layout names them, and what else the path says about the submission."""

    student: str
    layout: str
    ids: dict[str, str] = field(default_factory=dict)  # e.g. {"canvas_user_id": "1036"}, {"github": "kim"}
    late: bool = False
    exercise: str | None = None  # the exercise the file name names, if it names one

    def aliases(self) -> list[str]:
        """Every string that may identify this student in a roster (a Moodle worksheet says `Participant 12345`)."""
        found = [self.student, *self.ids.values()]
        if "moodle_participant" in self.ids:
            found.append(f"Participant {self.ids['moodle_participant']}")
        return found


def exercise_named(title: str) -> str | None:
    """The exercise a file title names: `03_gradient_descent`, `03_gradient_descent-1`, `ex03 (1)`, `Exercise 3`."""
    stem = _COPY_NUMBER.sub("", title.removesuffix(".ipynb")).strip()
    if stem in known_exercises():
        return stem
    match = _EXERCISE_NUMBER.match(stem)
    if match is None:
        return None
    number = f"{int(match.group(1)):02d}"
    keys = [k for k in known_exercises() if k.startswith(number + "_")]
    return keys[0] if len(keys) == 1 else None


def _relative(path: Path, root: Path) -> PurePosixPath:
    try:
        return PurePosixPath(path.relative_to(root).as_posix())
    except ValueError:
        return PurePosixPath(path.name)


def _classroom(parts: tuple[str, ...], root: Path) -> Identity | None:
    folders = [root.name, *parts[:-1]]
    for i, folder in enumerate(folders[:-1]):
        match = _CLASSROOM_FOLDER.match(folder)
        repository = folders[i + 1]
        if match and repository.startswith(match.group("slug") + "-"):
            user = repository[len(match.group("slug")) + 1:]
            if user:
                return Identity(user, "github-classroom", {"github": user, "repository": repository},
                                exercise=exercise_named(parts[-1]))
    return None


def _moodle(parts: tuple[str, ...]) -> Identity | None:
    for part in parts:
        match = _MOODLE.match(part)
        if match:
            name = match.group("name")
            participant = match.group("participant")
            if name == "Participant":
                name = f"Participant {participant}"
            title = match.group("rest") or parts[-1]
            return Identity(name, "moodle", {"moodle_participant": participant},
                            exercise=exercise_named(title if part == parts[-1] else parts[-1]))
    return None


def _canvas(name: str) -> Identity | None:
    match = _CANVAS.match(name)
    if match is None:
        return None
    return Identity(match.group("login"), "canvas",
                    {"canvas_user_id": match.group("user"), "canvas_login": match.group("login")},
                    late=bool(match.group("late")), exercise=exercise_named(match.group("rest")))


def _blackboard(name: str) -> Identity | None:
    match = _BLACKBOARD.match(name.removesuffix(".ipynb"))
    if match is None:
        return None
    title = match.group("rest") or match.group("assignment")
    return Identity(match.group("user"), "blackboard", {"blackboard_user": match.group("user")},
                    exercise=exercise_named(title) or exercise_named(match.group("assignment")))


def _comma_name(name: str) -> Identity | None:
    match = _COMMA_NAME.match(name.removesuffix(".ipynb"))
    if match is None:
        return None
    return Identity(" ".join(match.group("name").split()), "name, title", exercise=exercise_named(match.group("rest")))


def identify(path: Path, root: Path) -> Identity:
    """The student who submitted the notebook at `path`, found under the folder `root`."""
    relative = _relative(path, root)
    parts = relative.parts
    found = _classroom(parts, root) or _moodle(parts)
    if found:
        return found
    name = parts[-1]
    found = _canvas(name) or _blackboard(name) or _comma_name(name)
    if found:
        return found
    if len(parts) > 1:
        return Identity(parts[0], "folder per student", exercise=exercise_named(name))
    exercise = exercise_named(name)
    if exercise is not None or path.stem in known_exercises():
        return Identity(root.name or root.resolve().name, "one student's folder", exercise=exercise)
    return Identity(path.stem, "file per student")


def exercise_hint(path: Path, identity: Identity) -> str | None:
    """The exercise the file name names, when the notebook's metadata does not name a known one (else None)."""
    if identity.exercise is None:
        return None
    try:
        named = read_submission(path).metadata_key
    except Corrupt:
        named = None
    return None if named in known_exercises() else identity.exercise


def identify_with_pattern(path: Path, root: Path, pattern: re.Pattern[str]) -> Identity | None:
    """The student named by the `student` group of `pattern` in the path below `root`; None if it does not match."""
    match = pattern.search(_relative(path, root).as_posix())
    if match is None or not match.groupdict().get("student"):
        return None
    hint = match.groupdict().get("exercise")
    return Identity(match.group("student"), "--student-pattern", exercise=exercise_named(hint) if hint else None)


def compile_pattern(text: str) -> re.Pattern[str]:
    """`--student-pattern`: a regular expression with a named group `student`; ValueError otherwise."""
    try:
        pattern = re.compile(text)
    except re.error as error:
        raise ValueError(f"--student-pattern is not a regular expression: {error}") from None
    if "student" not in pattern.groupindex:
        raise ValueError("--student-pattern needs a named group (?P<student>...)")
    return pattern


def normalise(text: str) -> str:
    """A form in which the same name written differently compares equal: case, accents and spacing removed."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ß", "ss"))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def name_variants(name: str) -> set[str]:
    """`Müller, Anna` also as `anna muller` and as Canvas writes it, `mulleranna` (letters only)."""
    variants = {normalise(name)}
    if "," in name:
        last, _, first = name.partition(",")
        variants.add(normalise(f"{first} {last}"))
        variants.add(re.sub(r"[^a-z0-9]", "", normalise(last + first)))
    else:
        words = normalise(name).split()
        if len(words) >= 2:
            variants.add(re.sub(r"[^a-z0-9]", "", "".join(words[-1:] + words[:-1])))
    return {v for v in variants if v}


def file_name(student: str) -> str:
    """A file name for a student's feedback: letters, digits, `-`, `_` and `.` only, never empty."""
    plain = re.sub(r"[^a-z0-9.-]+", "_", normalise(student)).strip("._-")
    return plain[:80] or "student"
