# Shortcuts for the scripts in scripts/; the scripts are the source of truth.
.PHONY: demo test test-sqlite test-pg lint postgres

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

test-sqlite:
	bash scripts/test.sh --sqlite-only

test-pg:
	bash scripts/test.sh --pg-only

lint:
	.venv/bin/ruff check src tests $(wildcard bench)
	.venv/bin/mypy src tests

postgres:
	@bash scripts/postgres.sh
