# The fixture notebook is executed by tests/test_site_fixture.py, not by nbval.
collect_ignore_glob = ["**/*.ipynb"]
