# DriftJobs — every command an operator or developer needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

include make/common.mk

NPM           ?= npm
AZURITE_DIR   := tools/azurite
AZURITE       := $(AZURITE_DIR)/node_modules/.bin/azurite-blob

# A test that hangs (a wait on a fake clock nobody advances, a lost signal) stops its test host after this long and is
# named in the output, instead of stalling the run until CI's own limit. The longest test takes ~2 min (it publishes the
# detector natively). TEST_HANG_LIMIT= (empty) lets a debugger sit on a breakpoint.
TEST_HANG_LIMIT ?= --blame-hang-timeout 5m --blame-hang-dump-type none

export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1
export DOTNET_SKIP_FIRST_TIME_EXPERIENCE := 1

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[36m%-22s\033[0m %s\n", $$1, $$2}'

-include make/*.mk

$(AZURITE): $(AZURITE_DIR)/package.json $(AZURITE_DIR)/package-lock.json
	cd $(AZURITE_DIR) && $(NPM) ci --no-audit --no-fund --loglevel=error
	@touch $@

.PHONY: tools
tools: $(AZURITE) ## Install the pinned test tools (Azurite)

.PHONY: test-cov
test-cov: tools ## Run every test with coverage (Cobertura XML under artifacts/coverage)
	@rm -rf artifacts/coverage
	$(DOTNET) test DriftJobs.sln -c $(CONFIGURATION) --collect:"XPlat Code Coverage" --results-directory artifacts/coverage
	@find artifacts/coverage -name coverage.cobertura.xml | sed 's/^/coverage: /'

.PHONY: demo
demo: tools ## Run the pipeline on a local Azurite with synthetic data (SCENARIO=covariate-shift|none|…)
	tools/demo.sh

.PHONY: build
build: ## Build the solution
	$(DOTNET) build DriftJobs.sln -c $(CONFIGURATION)

.PHONY: test
# check-images (the Dockerfiles' publish commands, two Native AOT/R2R publishes: ~2.7 min, mostly CPU) runs beside the
# build and the tests, which spend most of their time waiting; its output is printed after theirs. The published-detector
# tests run the executable it publishes (DRIFTJOBS_PUBLISHED_DETECTOR) rather than compiling their own beside it.
test: tools ## Build and run every test and check the Dockerfiles (installs Azurite first; TEST_JOBS test projects at once, 3)
	@rm -rf artifacts/test-results artifacts/images && mkdir -p artifacts/test-results
	@CHECK_DOCKERFILE_KEEP=$(CURDIR)/artifacts/images $(MAKE) --no-print-directory check-images >artifacts/test-results/check-images.log 2>&1 & images=$$!; \
	$(DOTNET) build DriftJobs.sln -c $(CONFIGURATION) --nologo -v quiet && \
		DRIFTJOBS_PUBLISHED_DETECTOR=$(CURDIR)/artifacts/images/Dockerfile.detector \
		tools/run-tests.sh artifacts/test-results -c $(CONFIGURATION) $(TEST_HANG_LIMIT); status=$$?; \
	wait $$images; images_status=$$?; cat artifacts/test-results/check-images.log; \
	[ $$images_status -eq 0 ] || echo "make test: check-images failed (exit $$images_status)"; \
	tools/test-summary.sh artifacts/test-results && [ $$status -eq 0 ] && exit $$images_status
