# Two commands: `make run` starts the local stack, `make test` runs every test.
# Each creates .venv and installs what it needs on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run demo whatsapp monthly-report load bench test unit integration e2e infra synth chromium vendor clean

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -qq --upgrade "pip<26.3"  # chalice 1.34 requires pip<26.3
	$(PY) -m pip install -qq -r requirements-dev.txt
	touch $(STAMP)

run: $(STAMP)
	$(PY) -m local.stack

demo: $(STAMP)
	POWERTOOLS_LOG_LEVEL=WARNING $(PY) -m local.demo

# The load test: its own local stack, 200 submissions from 20 citizens and 600 decisions; prints latencies.
# ARGS="--citizens 2 --per-citizen 2 --staff 2" plays a smaller load (tests/e2e/test_make_load_and_bench.py).
load: $(STAMP)
	$(PY) -m bench.load $(ARGS)

# The benchmarks (bench/run.py): cold start, AWS calls and transitions per operation, cost per 1,000
# complaints, flatness at 10 / 1,000 / 100,000 complaints, local throughput; rewrites BENCHMARKS.md (~5 min).
# ARGS="--quick", "--only calls,cost" or "--output FILE" run less or write elsewhere (python -m bench.run --help).
bench: $(STAMP)
	$(PY) -m bench.run $(ARGS)

# Chat as a citizen on WhatsApp with the running local stack (`make run` in another terminal): what you type goes
# to the webhook signed as Meta would; the replies come from the stand-in Graph API. SECRET: the banner's app secret.
whatsapp: $(STAMP)
	$(PY) -m local.whatsapp_chat --secret "$(SECRET)" $(ARGS)

# The monthly SLA report email, now, on the running local stack (`make run` in another terminal):
# last month, or MONTH=2026-10; FORCE=1 sends a month again (or the current one, as a preliminary report).
monthly-report: $(STAMP)
	$(PY) -m local.monthly_report $(if $(MONTH),--month $(MONTH)) $(if $(filter-out 0,$(FORCE)),--force)

# Two workers (pytest-xdist) where the tests mostly wait: the unit, infra and end-to-end modules (each
# end-to-end module keeps its own local stack on free ports: --dist loadfile), then the integration
# tests (moto's execution threads). The chaos suites hold times under injected faults, so they run
# alone, with nothing else on the two cores.
# Properties (hypothesis) draw the same examples each run here; pytest run by hand explores new ones.
test: export HYPOTHESIS_PROFILE = repeatable
test: $(STAMP) chromium
	$(PY) -m pytest -n 2 --dist loadfile -m "not chaos" tests/unit tests/infra tests/e2e
	$(PY) -m pytest -m chaos tests/e2e
	$(PY) -m pytest -n 2 tests/integration

# The browser check drives Debian's Chromium (Playwright's own browser download is not used).
chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

unit: $(STAMP)
	$(PY) -m pytest tests/unit

integration: $(STAMP)
	$(PY) -m pytest -n 2 tests/integration

e2e: $(STAMP) chromium
	$(PY) -m pytest tests/e2e

infra: $(STAMP)
	$(PY) -m pytest tests/infra

# Offline synthesis of the CDK app into cdk.out/ (cdk-nag's AwsSolutions checks run as aspects).
synth: $(STAMP)
	AWS_DEFAULT_REGION=$${AWS_DEFAULT_REGION:-ap-southeast-3} JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION=1 \
	  CDK_OUTDIR=cdk.out $(PY) infra/cdk_app.py
	@echo "Synthesized: cdk.out/AspirasiKaltim.template.json"

# The browser libraries the pages use, from npm at the versions package.json pins (package-lock.json holds
# their hashes), copied into chalicelib/static/vendor/ and served from our own origin (never a CDN).
vendor:
	npm ci --ignore-scripts --no-audit --no-fund
	mkdir -p chalicelib/static/vendor/leaflet
	cp node_modules/leaflet/dist/leaflet.js node_modules/leaflet/dist/leaflet.css node_modules/leaflet/LICENSE \
	  chalicelib/static/vendor/leaflet/
	mkdir -p chalicelib/static/vendor/leaflet.markercluster
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	  node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	  node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
	  node_modules/leaflet.markercluster/MIT-LICENCE.txt chalicelib/static/vendor/leaflet.markercluster/

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts cdk.out chalice.out
