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
# Wheels of the package's dependencies, for tests/test_install.py, which installs the
# built wheel into a fresh environment offline: one folder per Python version.
PYTHON_VERSION := $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])')
WHEELS_DIR := .cache/wheels/py$(PYTHON_VERSION)
WHEELS := $(WHEELS_DIR)/.downloaded
NODE_CLIENTS := tests/node/node_modules/.installed tests/twilio_cli/node_modules/.installed
# The other Pythons the package supports (pyproject.toml: 3.10 and newer), which
# `make test-pythons` runs the suite on; each from pyenv (else python3.X on the PATH) unless,
# say, PYTHON_3_13=/path/to/python is given.
OTHER_PYTHONS := 3.10 3.12 3.13
python_for = $(or $(PYTHON_$(subst .,_,$(1))),$(addsuffix /bin/python,$(shell pyenv prefix $(1) 2>/dev/null)),python$(1))

.PHONY: demo test test-oldest test-pythons lint pytest bench install openapi wheels clean

# $(call test_env,PYTHON,FOLDER,PINS): a virtual environment in FOLDER, made by PYTHON, with
# the package and its test tools (and PINS, if any); FOLDER/.installed says it is done.
define test_env
	$(1) -m venv $(2)
	$(2)/bin/python -m pip install --quiet --upgrade pip
	$(2)/bin/python -m pip install --quiet -e '.[test]' $(3)
	touch $(2)/.installed
endef

# $(call wheels,PYTHON,FOLDER): the wheels of the package's dependencies for PYTHON, in FOLDER.
define wheels
	rm -rf $(2)
	$(1) -m pip wheel --quiet --no-build-isolation --wheel-dir $(2) .
	rm -f $(2)/fake_voice-*.whl
	touch $(2)/.downloaded
endef

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

pytest: $(STAMP) $(OPENAPI) $(WHEELS) $(NODE_CLIENTS)
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

test-oldest: $(OLDEST)/.installed $(OPENAPI) $(WHEELS) $(NODE_CLIENTS)
	@echo "pytest on $(OLDEST_PINS)"
	$(OLDEST)/bin/python -m pytest $(PYTEST_ARGS)

$(OLDEST)/.installed: pyproject.toml
	@echo "installing the test tools with $(OLDEST_PINS) into $(OLDEST)/"
	$(call test_env,$(PYTHON),$(OLDEST),$(OLDEST_PINS))

# The same suite on every other Python the package supports, each in .venv-<version>/.
test-pythons: $(foreach version,$(OTHER_PYTHONS),test-python-$(version))

test-python-%: .venv-%/.installed .cache/wheels/py%/.downloaded $(OPENAPI) $(NODE_CLIENTS)
	@echo "pytest on Python $*"
	.venv-$*/bin/python -m pytest $(PYTEST_ARGS)

.venv-%/.installed: pyproject.toml
	@"$(call python_for,$*)" -c 'import sys; sys.exit("%d.%d" % sys.version_info[:2] != "$*")' 2>/dev/null \
		|| { echo "no Python $*: pyenv install $*, or set PYTHON_$(subst .,_,$*)=/path/to/python$*"; exit 1; }
	@echo "installing fake_voice and its test tools into .venv-$*/ (Python $*)"
	$(call test_env,"$(call python_for,$*)",.venv-$*)

# Kept once made, as any other environment and cache here (make would delete them as
# intermediate files of the pattern rules).
.PRECIOUS: .venv-%/.installed .cache/wheels/py%/.downloaded

.cache/wheels/py%/.downloaded: pyproject.toml .venv-%/.installed
	@echo "downloading the wheels of fake_voice's dependencies for Python $* into .cache/wheels/py$*/"
	$(call wheels,.venv-$*/bin/python,.cache/wheels/py$*)

bench: $(STAMP) $(OPENAPI) benchmarks/prism/node_modules/.installed
	for script in benchmarks/bench_*.py; do $(BIN)/python $$script || exit 1; done

# Stoplight's Prism mock server, which benchmarks/bench_server_prism.py compares the server with.
benchmarks/prism/node_modules/.installed: benchmarks/prism/package.json benchmarks/prism/package-lock.json
	cd benchmarks/prism && npm ci --silent --no-audit --no-fund
	touch $@

install: $(STAMP)

$(STAMP): pyproject.toml
	@echo "installing fake_voice and its test tools into $(VENV)/ (pip, about a minute the first time)"
	$(call test_env,$(PYTHON),$(VENV))

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
	@echo "downloading the wheels of fake_voice's dependencies into $(WHEELS_DIR)/"
	$(call wheels,$(BIN)/python,$(WHEELS_DIR))

clean:
	rm -rf $(VENV) $(OLDEST) $(foreach version,$(OTHER_PYTHONS),.venv-$(version)) .cache
