# The two commands: `make demo` (set up and serve the demo organisation) and `make test`.
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The first Python 3.12+ found: on the PATH, then in pyenv's versions.
PYTHON := $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 \
	$$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
	2>/dev/null; then command -v $$p; break; fi; done)

.PHONY: demo demo-sso test lint serve clean cluster-test docker-check

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Afterclass needs Python 3.12 or newer."; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

demo: $(STAMP)
	$(BIN)/afterclass migrate --noinput
	$(BIN)/afterclass demo --serve --port $(PORT)

# The demo with single sign-on: the tests' OpenID Connect provider on port 9000 and SAML provider
# on port 9001 beside it, as "Sign in with Test provider" and "Sign in with Test SAML provider"
# (README, "Trying single sign-on").
SSO_ENV := AFTERCLASS_OIDC=test-idp AFTERCLASS_OIDC_TEST_IDP_NAME="Test provider" \
	AFTERCLASS_OIDC_TEST_IDP_SERVER_URL=http://127.0.0.1:9000/o \
	AFTERCLASS_OIDC_TEST_IDP_CLIENT_ID=afterclass AFTERCLASS_OIDC_TEST_IDP_SECRET=demo-secret \
	AFTERCLASS_SAML=test-saml AFTERCLASS_SAML_TEST_SAML_NAME="Test SAML provider" \
	AFTERCLASS_SAML_TEST_SAML_ENTITY_ID=http://127.0.0.1:9001/metadata \
	AFTERCLASS_SAML_TEST_SAML_METADATA_URL=http://127.0.0.1:9001/metadata
demo-sso: $(STAMP)
	$(BIN)/python -m afterclass.sso.tests.idp --port 9000 --client-id afterclass \
		--secret demo-secret --email ada@example.org --state-dir var/test-idp \
		--redirect-uri http://127.0.0.1:$(PORT)/accounts/oidc/test-idp/login/callback/ & \
	oidc=$$!; $(BIN)/python -m afterclass.sso.tests.saml_idp --port 9001 --email ada@example.org \
		--state-dir var/test-saml-idp & \
	saml=$$!; trap "kill $$oidc $$saml" EXIT INT TERM; $(SSO_ENV) $(MAKE) demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy afterclass
	$(BIN)/afterclass makemigrations --check --dry-run

test: lint
	$(BIN)/pytest

# nginx in front of two app servers, two task workers, PostgreSQL, Redis and moto's S3, all real
# processes, checked through nginx (bench/cluster.py; docs/DEPLOYMENT.md). Needs Debian's nginx,
# PostgreSQL on 127.0.0.1:5432 (user postgres) and Redis on 127.0.0.1:6379.
cluster-test: $(STAMP)
	$(BIN)/python bench/cluster.py

# Build the container image and run it once (deploy/docker_check.sh); says it is skipped and
# exits 0 where no Docker daemon answers (the files are linted by the test suite anyway).
docker-check:
	sh deploy/docker_check.sh

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
