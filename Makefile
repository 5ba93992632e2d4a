# Two entry points a fresh clone needs: `make demo` and `make test`. Everything they need
# is installed here, into .venv/ and .cache/, from the package registries.
PYTHON ?= python3
# The suite runs in two pytest-xdist workers (the machine has two cores); override to debug.
PYTEST_ARGS ?= -n 2
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_STAMP := $(VENV)/.demo-installed
CLI_CORE := 9.0.0
OPENAPI := .cache/openapi/twilio_voice_v1.json
# Wheels of the package's dependencies, for tests/test_install.py, which
# installs the built wheel into a fresh environment offline.
WHEELS := .cache/wheels/.downloaded

.PHONY: demo test test-oldest lint pytest bench install openapi wheels clean

demo: $(DEMO_STAMP)
	$(BIN)/python -m fake_voice.demo

# The demo needs the package and the official twilio client only (the demo extra), not the
# test tools; after `make install` it has them already.
$(DEMO_STAMP): pyproject.toml
	@echo "make demo: installing fake_voice and the official twilio client into $(VENV)/ (first run only)"
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --progress-bar off --disable-pip-version-check -e '.[demo]'
	@echo "make demo: installed; running the demo"
	touch $@

test: lint pytest

lint: $(STAMP)
	@echo "make test: ruff, ruff format --check, mypy --strict"
	$(BIN)/ruff check fake_voice tests benchmarks scripts
	$(BIN)/ruff format --check fake_voice tests benchmarks scripts
	$(BIN)/mypy

pytest: $(STAMP) $(OPENAPI) $(WHEELS) tests/node/node_modules/.installed tests/twilio_cli/node_modules/.installed
	@echo "make test: pytest, the whole suite (about a minute)"
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Twilio's official Node client, which tests/test_server_node.py drives against the server.
tests/node/node_modules/.installed: tests/node/package.json tests/node/package-lock.json
	@echo "make test: installing the official Node client into tests/node/node_modules/ (npm ci)"
	cd tests/node && npm ci --silent --no-audit --no-fund
	touch $@

# Twilio's official command-line tool, which tests/test_proxy_clients.py drives through the proxy.
tests/twilio_cli/node_modules/.installed: tests/twilio_cli/package.json tests/twilio_cli/package-lock.json
	cd tests/twilio_cli && npm ci --silent --no-audit --no-fund
	touch $@

# The same suite on the oldest releases of responses and aiohttp that pyproject.toml admits
# (the newest admitted ones are what .venv/ gets).
OLDEST := .venv-oldest
OLDEST_PINS := responses==0.25.0 aiohttp==3.8.4

test-oldest: $(OLDEST)/.installed $(OPENAPI) $(WHEELS) tests/node/node_modules/.installed tests/twilio_cli/node_modules/.installed
	@echo "pytest on $(OLDEST_PINS)"
	$(OLDEST)/bin/python -m pytest $(PYTEST_ARGS)

$(OLDEST)/.installed: pyproject.toml
	@echo "installing the test tools with $(OLDEST_PINS) into $(OLDEST)/"
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --upgrade pip
	$(OLDEST)/bin/python -m pip install --quiet -e '.[test]' $(OLDEST_PINS)
	touch $@

bench: $(STAMP) $(OPENAPI) benchmarks/prism/node_modules/.installed
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

# Stoplight's Prism mock server, which benchmarks/bench_server_prism.py compares the server with.
benchmarks/prism/node_modules/.installed: benchmarks/prism/package.json benchmarks/prism/package-lock.json
	cd benchmarks/prism && npm ci --silent --no-audit --no-fund
	touch $@

install: $(STAMP)

$(STAMP): pyproject.toml
	@echo "installing fake_voice and its test tools into $(VENV)/ (pip, about a minute the first time)"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

# Twilio's official OpenAPI description of Voice, which the conformance tests check
# every response against; it comes in the npm package @twilio/cli-core.
openapi: $(OPENAPI)

$(OPENAPI):
	@echo "fetching Twilio's Voice descriptions (npm @twilio/cli-core@$(CLI_CORE)) into .cache/openapi/"
	mkdir -p .cache/openapi .cache/npm
	cd .cache/npm && npm pack --silent @twilio/cli-core@$(CLI_CORE) >/dev/null
	tar -xzf .cache/npm/twilio-cli-core-$(CLI_CORE).tgz -C .cache/npm
	cp .cache/npm/package/src/services/twilio-api/twilio_voice_v*.json .cache/openapi/

wheels: $(WHEELS)

$(WHEELS): pyproject.toml $(STAMP)
	@echo "downloading the wheels of fake_voice's dependencies into .cache/wheels/"
	rm -rf .cache/wheels
	$(BIN)/python -m pip wheel --quiet --no-build-isolation --wheel-dir .cache/wheels .
	rm -f .cache/wheels/fake_voice-*.whl
	touch $@

clean:
	rm -rf $(VENV) $(OLDEST) .cache
