"""Gradebook, identity, roster, feedback and LMS files, on reports made here (no notebook is executed)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from linreg_course.grader import hidden
from linreg_course.grader.exports import Settings, canvas_csv, moodle_worksheets, run_record, write_gradebook
from linreg_course.grader.feedback import hidden_summary, student_feedback
from linreg_course.grader.gradebook import Submission, build, grades_csv
from linreg_course.grader.identity import Identity, compile_pattern, exercise_named, identify, identify_with_pattern
from linreg_course.grader.merge import MergeError, parse_shard, read_shards, select
from linreg_course.grader.reports import summary
from linreg_course.grader.roster import read_roster


def report(path: str, exercise: str | None, points: dict[str, list[tuple[float, float, bool]]],
           problems: list[str] | None = None) -> dict:
    """A report as grade() returns it: per question, (points, max, hidden) of each test."""
    questions = []
    for name, tests in points.items():
        rows = [{"name": f"{name} test {i}", "status": "passed" if p == m else "failed", "points": p,
                 "max_points": m, "message": "" if p == m else f"secret message {name} {i}" if h else f"why {name} {i}",
                 "hidden": h} for i, (p, m, h) in enumerate(tests)]
        questions.append({"name": name, "title": f"title of {name}", "status": "passed",
                          "points": sum(t["points"] for t in rows), "max_points": sum(t["max_points"] for t in rows),
                          "tests": rows})
    return {"submission": path, "exercise": exercise, "status": "graded",
            "score": sum(q["points"] for q in questions), "max_score": sum(q["max_points"] for q in questions),
            "questions": questions, "cell_errors": [], "problems": problems or [], "seconds": 1.0}


EX = "03_gradient_descent"
LIMITS = {"cell_timeout": 60.0, "memory": 4 << 30}
FULL = {"q1": [(1, 1, False), (1, 1, True)], "q2": [(2, 2, False), (1, 1, True)]}
PARTIAL = {"q1": [(1, 1, False), (0, 1, True)], "q2": [(0, 2, False), (1, 1, True)]}


@pytest.mark.parametrize(("relative", "student", "layout", "ids", "late", "exercise"), [
    ("kimkira_1036_5036_03_gradient_descent.ipynb", "kimkira", "canvas",
     {"canvas_user_id": "1036", "canvas_login": "kimkira"}, False, EX),
    ("leejo_LATE_1040_5040_03_gradient_descent-2.ipynb", "leejo", "canvas",
     {"canvas_user_id": "1040", "canvas_login": "leejo"}, True, EX),
    ("Anna Müller_4711_assignsubmission_file_/03_gradient_descent.ipynb", "Anna Müller", "moodle",
     {"moodle_participant": "4711"}, False, EX),
    ("Anna Müller_4711_assignsubmission_file_03_gradient_descent.ipynb", "Anna Müller", "moodle",
     {"moodle_participant": "4711"}, False, EX),
    ("Participant_4712_assignsubmission_file_/ex3.ipynb", "Participant 4712", "moodle",
     {"moodle_participant": "4712"}, False, EX),
    ("Müller, Anna - ex03 (1).ipynb", "Müller, Anna", "name, title", {}, False, EX),
    ("Exercise 3_kira_attempt_2026-12-05-18-20-00_gd.ipynb", "kira", "blackboard",
     {"blackboard_user": "kira"}, False, EX),
    ("bob/03_gradient_descent.ipynb", "bob", "folder per student", {}, False, EX),
    ("bob/nested/work/answers.ipynb", "bob", "folder per student", {}, False, None),
    ("03_gradient_descent.ipynb", "class", "one student's folder", {}, False, EX),
    ("carol.ipynb", "carol", "file per student", {}, False, None),
])
def test_layouts_are_recognised(relative, student, layout, ids, late, exercise):
    root = Path("class")
    found = identify(root / relative, root)
    assert (found.student, found.layout, found.ids, found.late, found.exercise) == (student, layout, ids, late,
                                                                                    exercise)


def test_github_classroom_repositories():
    root = Path("linreg-ex-submissions")
    found = identify(root / "linreg-ex-kim-kira" / "work" / "03_gradient_descent.ipynb", root)
    assert (found.student, found.layout, found.ids["github"]) == ("kim-kira", "github-classroom", "kim-kira")
    parent = Path("downloads")  # the folder above <slug>-submissions given instead
    found = identify(parent / "linreg-ex-submissions" / "linreg-ex-lee" / "work" / "a.ipynb", parent)
    assert found.student == "lee"


def test_exercise_names():
    assert exercise_named("03_gradient_descent (2).ipynb") == EX
    assert exercise_named("Exercise 11") == "11_evaluation" and exercise_named("Exercise 12") == "12_capstone"
    assert exercise_named("ex3") == EX and exercise_named("uebung_03") == EX
    assert exercise_named("99_nothing") is None and exercise_named("notes") is None


def test_student_pattern_overrides_the_layout():
    pattern = compile_pattern(r"(?P<student>[a-z]+)-(?P<exercise>\d+)")
    found = identify_with_pattern(Path("x/kim-03.ipynb"), Path("x"), pattern)
    assert (found.student, found.exercise) == ("kim", EX)
    assert identify_with_pattern(Path("x/KIM.ipynb"), Path("x"), pattern) is None
    with pytest.raises(ValueError, match="named group"):
        compile_pattern(r"(\w+)")


def test_roster_from_an_lms_export_matches_every_layout(tmp_path):
    roster_file = tmp_path / "roster.csv"
    roster_file.write_text("\ufeffStudent,ID,SIS User ID,SIS Login ID,Section\n"
                           "    Points Possible,,,,\n"
                           "\"Kim, Kira\",1036,S1,kira@uni.example,A\n"
                           "\"Müller, Anna\",1037,S2,anna@uni.example,A\n"
                           "\"Lee, Jo\",1040,S3,jo@uni.example,B\n", encoding="utf-8")
    roster = read_roster(roster_file)
    assert [s.key for s in roster.students] == ["Kim, Kira", "Müller, Anna", "Lee, Jo"]
    assert roster.find(Identity("kimkira", "canvas", {"canvas_user_id": "1036"})).key == "Kim, Kira"
    assert roster.find(Identity("Anna Muller", "moodle")).key == "Müller, Anna"  # accents, order
    assert roster.find(Identity("jo@UNI.example", "file per student")).key == "Lee, Jo"
    assert roster.find(Identity("A", "folder per student")) is None  # a section is shared: it names no one
    assert roster.find(Identity("someone", "folder per student")) is None


def test_best_submission_counts_and_blank_means_nothing_handed_in():
    subs = [Submission(report("a/kim/1.ipynb", EX, PARTIAL), Identity("kim", "folder"), 0),
            Submission(report("a/kim/2.ipynb", EX, FULL), Identity("kim", "folder"), 1),
            Submission(report("a/lee/x.ipynb", "01_linear_model", {"q1": [(1, 1, False)]}), Identity("lee", "f"), 2),
            Submission(report("a/lee/y.ipynb", None, {}, ["not a valid notebook: the file is not JSON"]),
                       Identity("lee", "f"), 3)]
    book = build(subs)
    rows = list(csv.reader(io.StringIO(grades_csv(book))))
    assert rows[0] == ["student", "name", "01_linear_model", "01_linear_model q1", EX, f"{EX} q1", f"{EX} q2",
                       "total", "percent", "late", "notes"]
    assert rows[1] == ["(maximum)", "", "1", "1", "5", "2", "3", "6", "100.0", "", ""]
    assert rows[2] == ["kim", "kim", "", "", "5", "2", "3", "5", "83.3", "", f"2 submissions of {EX}; the best counts"]
    assert rows[3][:8] == ["lee", "lee", "1", "1", "", "", "", "1"]
    assert "a/lee/y.ipynb was not graded: not a valid notebook" in rows[3][-1]
    assert grades_csv(build(list(reversed(subs)))) == grades_csv(book)  # the order of the run does not matter


def test_feedback_summarises_hidden_tests_unless_asked():
    sub = Submission(report("c/kimkira_1_2_03_gradient_descent.ipynb", EX, PARTIAL), Identity("kim", "canvas",
                                                                                            late=True), 0)
    book = build([sub])
    text = student_feedback(book, book.rows[0])
    assert "## 03_gradient_descent: 2/5 points" in text and "handed in late" in text
    assert "- PASS: q1 test 0" in text and "- FAIL: q2 test 0\n  why q2 0" in text
    assert "- 0 hidden tests passed, 1 failed" in text and "- 1 hidden test passed" in text
    assert "secret" not in text and "q1 test 1" not in text  # neither a hidden test's message nor its name
    revealed = student_feedback(book, book.rows[0], reveal_hidden=True)
    assert "- FAIL: q1 test 1 (hidden test)\n  secret message q1 1" in revealed
    assert hidden_summary([{"status": "passed"}] * 3) == "3 hidden tests passed"


def test_canvas_and_moodle_files(tmp_path):
    subs = [Submission(report("k.ipynb", EX, FULL), Identity("kimkira", "canvas", {"canvas_user_id": "1036"}), 0),
            Submission(report("m.ipynb", EX, PARTIAL), Identity("Anna Müller", "moodle",
                                                               {"moodle_participant": "4711"}), 1)]
    book = build(subs)
    assert canvas_csv(book).splitlines() == ["Student,ID,SIS User ID,SIS Login ID,Section,03_gradient_descent",
                                             "Points Possible,,,,,5", "Anna Müller,,,,,2", "kimkira,1036,,,,5"]
    sheet = moodle_worksheets(book, "2026-12-05 18:00")[EX].splitlines()
    assert sheet == ["Identifier,Full name,Email address,Grade,Maximum Grade,Last modified (grade),Feedback comments",
                     'Participant 4711,Anna Müller,,2,5,2026-12-05 18:00,"2/5 points (q1 1/2, q2 1/3)"']


def test_shards_cover_the_run_once_and_merge_checks_it(tmp_path):
    paths = [Path(f"c/{i}.ipynb") for i in range(10)]
    parts = [select(paths, (i, 4)) for i in range(1, 5)]
    assert sorted(p for _, positions in parts for p in positions) == list(range(10))
    assert select(paths, None) == (paths, list(range(10)))
    with pytest.raises(ValueError):
        parse_shard("5/4")
    folders = []
    for i, (chosen, positions) in enumerate(parts, start=1):
        folder = tmp_path / f"shard{i}"
        folder.mkdir()
        reports = [report(str(p), EX, FULL) for p in chosen]
        (folder / "report.json").write_text(json.dumps(summary(reports, len(reports), "bubblewrap 0.8.0", LIMITS)))
        (folder / "run.json").write_text(json.dumps(run_record(chosen, [Path("c")], positions, (i, 4), 10)))
        folders.append(folder)
    merged, record, conditions = read_shards(folders)
    assert [r["submission"] for r in merged] == [str(p) for p in paths] and record["total"] == 10
    assert conditions == ("bubblewrap 0.8.0", LIMITS)
    with pytest.raises(MergeError, match="shard\\(s\\) 4/4 missing"):
        read_shards(folders[:3])
    with pytest.raises(MergeError, match="in two shards"):
        read_shards(folders + folders[:1])
    unsandboxed = json.loads((folders[3] / "report.json").read_text()) | {"sandbox": "none (--no-sandbox)"}
    (folders[3] / "report.json").write_text(json.dumps(unsandboxed))
    with pytest.raises(MergeError, match="different sandboxes or limits"):
        read_shards(folders)
    (folders[3] / "report.json").write_text(json.dumps(unsandboxed | {"complete": False}))
    with pytest.raises(MergeError, match="shard4: that shard's run did not finish"):
        read_shards(folders)


def test_write_gradebook_files(tmp_path):
    subs = [report("class/kim/03_gradient_descent.ipynb", EX, FULL),
            report("class/lee/03_gradient_descent.ipynb", EX, PARTIAL)]
    record = run_record([Path(r["submission"]) for r in subs], [Path("class")], [0, 1], None, 2)
    lines = write_gradebook(tmp_path, subs, record, Settings())
    assert sorted(p.name for p in (tmp_path / "feedback").iterdir()) == ["kim.md", "lee.md"]
    assert (tmp_path / "grades.csv").read_text().splitlines()[2].startswith("kim,kim,5,")
    assert lines[0] == (f"gradebook: {tmp_path / 'grades.csv'} (2 students, 1 exercise), "
                        f"feedback in {tmp_path / 'feedback'}/")


def test_hidden_tests_location(tmp_path, monkeypatch):
    assert hidden.choose(None, False, {}) is None
    assert hidden.choose(None, False, {hidden.ENV_VAR: str(tmp_path)}) == tmp_path
    assert hidden.choose(Path("x"), False, {hidden.ENV_VAR: str(tmp_path)}) == Path("x")
    assert hidden.choose(Path("x"), True, {}) is None
    (tmp_path / "ch03_gradient_descent.py").write_text("")
    assert hidden.exercises_in(tmp_path) == [EX]
    assert hidden.describe(tmp_path) == f"hidden tests: {tmp_path} (exercises 03)"
    assert "public tests only" in hidden.describe(None)
    (tmp_path / "ch3_gd.py").write_text("")
    with pytest.raises(hidden.HiddenTestsError, match="ch3_gd.py does not name an exercise"):
        hidden.exercises_in(tmp_path)
    with pytest.raises(hidden.HiddenTestsError, match="does not exist"):
        hidden.exercises_in(tmp_path / "nowhere")
