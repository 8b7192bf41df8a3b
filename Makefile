# The course's commands. The two a newcomer needs:
#   make book   set up .venv (first time only) and build the site into _build/html
#   make test   set up .venv (first time only) and run every test: lint, the strict book build,
#               the project's own tests and nbval over every notebook
# Others: make pdf (the book as one PDF), make book-student (the site without solutions),
# make refresh [NB=path.ipynb ...], make exercises, make grade [SUBMISSIONS=...], make lab, make lock, make clean.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
SITE   := _build/html

# nbval re-executes every notebook and compares it with its stored outputs (strict: no --nbval-lax).
# The cell timeout and the sanitizer match tools/notebook_settings.py; tests/test_settings.py checks it.
NBVAL_FLAGS := --nbval --nbval-current-env --nbval-cell-timeout=120 \
               --nbval-sanitize-with tools/nbval_sanitize.cfg
NOTEBOOK_DIRS := chapters solutions exercises

.PHONY: venv node book book-student build pdf binder-env test nbval lint refresh exercises grade lab lock clean

$(STAMP): requirements.txt constraints.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -r requirements.txt -c constraints.txt
	$(BIN)/pip install --quiet --no-deps -e .
	$(BIN)/pip check
	touch $(STAMP)

venv: $(STAMP)

# The npm packages of package.json, at package-lock.json's versions: MathJax, which typesets the book's
# math when it is built, and axe-core, which the browser test runs. Node.js and npm come with the machine
# (or `sudo apt-get install nodejs npm`); without them the book is still built, with MathJax in the browser.
NODE_STAMP := node_modules/.installed
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

node: $(NODE_STAMP)
NODE_IF_ANY := $(if $(shell command -v npm 2>/dev/null),$(NODE_STAMP))

# Execution is off in _config.yml: pages show the outputs stored in the notebooks, which nbval verifies.
build: $(STAMP) $(NODE_IF_ANY)
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going

# The site, and the book's PDF in it when Debian's Chromium is there to print it.
book: build
	@if [ -x /usr/bin/chromium ]; then $(MAKE) --no-print-directory pdf; \
	 else echo "No /usr/bin/chromium: the book's PDF was not made (sudo apt-get install chromium; make pdf)."; fi
	@echo
	@echo "The site is in $(SITE)/. Open $(SITE)/book/intro.html in a browser, or serve it:"
	@echo "  $(BIN)/python -m http.server --directory $(SITE) 8000   and visit http://localhost:8000/book/intro.html"

# The student-facing site: the same book without the Solutions part, in _build/student/_build/html.
book-student: $(STAMP) $(NODE_IF_ANY)
	$(BIN)/python -m tools.student_book
	$(BIN)/jupyter-book build . --builder html -W -n --keep-going \
	    --toc _build/student/_toc.yml --config _build/student/_config.yml --path-output _build/student
	@# the book's PDF, which its pages link, when `make pdf` has made it
	@if ls _build/pdf/*.pdf >/dev/null 2>&1; then cp _build/pdf/*.pdf _build/student/_build/html/; fi
	@echo "The student site (no solutions) is in _build/student/_build/html/."

# The whole book (chapters and exercises) as one PDF, printed by Chromium from the same sources; copied
# into the built sites, whose download menus link to it (tools/book_pdf.py).
pdf: $(STAMP) $(NODE_IF_ANY)
	$(BIN)/python -m tools.book_pdf

# A fresh environment built from binder/ alone, as Binder builds it (tools/binder_env.py); tests/test_binder.py
# runs a chapter and an exercise in it.
binder-env: $(STAMP)
	$(BIN)/python -m tools.binder_env

lint: $(STAMP)
	$(BIN)/ruff check .

nbval: $(STAMP)
	$(BIN)/python -m pytest -n 2 --dist loadscope $(NBVAL_FLAGS) $(NOTEBOOK_DIRS)

# The site, the student site, the PDF and the Binder environment are built side by side (the last mostly
# waits on the disk); then the PDF goes into both sites, and the tests run.
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/ruff check .
	$(MAKE) --no-print-directory -j4 build book-student pdf binder-env
	$(BIN)/python -m tools.book_pdf --copy
	$(BIN)/python -m pytest -n 2 --dist loadscope $(NBVAL_FLAGS) tests $(NOTEBOOK_DIRS)

# Re-execute notebooks in place after editing them: all of chapters/ and solutions/, or NB="a.ipynb b.ipynb".
# First the Colab cell of every notebook is written (tools/colab_cell.py); then the exercises are regenerated
# from the (possibly edited) solutions.
refresh: $(STAMP)
	$(BIN)/python -m tools.colab_cell
	$(BIN)/python -m tools.refresh $(NB)
	$(BIN)/python -m linreg_course.grader.generate
	$(BIN)/python -m tools.exercise_table

# Write the Colab cell of every notebook (from _config.yml's repository url and the package's version), then
# exercises/NN_topic.ipynb from solutions/NN_topic.ipynb (CI fails when either is out of date).
exercises: $(STAMP)
	$(BIN)/python -m tools.colab_cell
	$(BIN)/python -m linreg_course.grader.generate
	$(BIN)/python -m tools.exercise_table

# Grade notebooks with the course's grader: make grade SUBMISSIONS="path/to/notebooks-or-folders"
# (default: your copies in work/, or the exercises/ folder when work/ holds none). Reports go to
# grading-report/ (report.json, junit.xml, grades.csv, feedback/). The exit status is 1 when a test fails.
# Each notebook runs in a bubblewrap sandbox (sudo apt-get install bubblewrap); without it, grade your
# own notebooks with make grade GRADE_ARGS=--no-sandbox.
SUBMISSIONS ?= $(if $(wildcard work/*.ipynb),work,exercises)
GRADE_ARGS ?=
grade: $(STAMP)
	$(BIN)/python -m linreg_course.grader $(SUBMISSIONS) $(GRADE_ARGS)

# On a server: make lab LAB_ARGS="--no-browser --port 8888" (as root, add --allow-root).
LAB_ARGS ?=
lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_ARGS)

# Re-resolve requirements.txt in a scratch environment and pin everything it pulled into constraints.txt.
lock:
	rm -rf _build/lockenv
	$(PYTHON) -m venv _build/lockenv
	_build/lockenv/bin/pip install --quiet -r requirements.txt
	( echo "# Every package of the course's environment, pinned: generated by \`make lock\` from requirements.txt."; \
	  _build/lockenv/bin/pip freeze | sed -E 's/^(torch==[0-9.]+)\+cpu$$/\1/' ) > constraints.txt
	rm -rf _build/lockenv

clean:
	rm -rf _build .pytest_cache grading-report node_modules
