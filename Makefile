# The README's two commands, and a few conveniences for developers.
.PHONY: run test lint bench

run:  ## install, migrate, seed the demo, start daphne and Huey on http://127.0.0.1:8000/
	scripts/run.sh

test:  ## install what the tests need and run the suite on SQLite, then PostgreSQL + Redis
	scripts/test.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
