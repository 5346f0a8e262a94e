# Thin wrappers: every target runs dev.py, which needs only Python 3.11+.
PYTHON ?= python3

.PHONY: setup run test bench
setup:
	$(PYTHON) dev.py setup
run:
	$(PYTHON) dev.py run
test:
	$(PYTHON) dev.py test
bench:
	$(PYTHON) dev.py bench
