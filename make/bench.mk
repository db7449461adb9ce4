# Benchmarks (`make bench`): the inference logger's BenchmarkDotNet suite and the detector suite (issue #6), which
# times the published jobs as processes against Azurite, next to DuckDB and the bare Parquet decode, and writes
# docs/benchmarks.md. Generated data is cached under artifacts/bench-data (about 10 GB for the full run).
#   make bench-detector BENCH_ARGS="--rows 1m --training-rows 1m"   a quick run (results in artifacts/bench/)
# The incremental suite (issue #25) writes only its section of docs/benchmarks.md, between <!-- incremental -->
# markers, which the detector suite keeps when it rewrites the rest:
#   make bench-incremental BENCH_INCREMENTAL_ARGS="--rows 1m"        a quick run (results in artifacts/bench/)
include $(dir $(lastword $(MAKEFILE_LIST)))common.mk

BENCH_PROJECT   := bench/DriftJobs.Benchmarks
BENCH_OUT       := artifacts/bench
BENCH_ARGS      ?=
BENCH_INCREMENTAL_ARGS ?=
LOGGER_BENCH_ARGS ?=

.PHONY: bench
bench: bench-logger bench-detector bench-incremental ## Run every benchmark: logger, detector and incremental suites (write docs/benchmarks.md)

.PHONY: bench-logger
bench-logger: ## The inference logger's BenchmarkDotNet suite (LOGGER_BENCH_ARGS= e.g. --job short)
	$(DOTNET) run -c Release --project $(BENCH_PROJECT) -- logger $(LOGGER_BENCH_ARGS)

.PHONY: bench-publish
bench-publish: ## Publish the detector and baseline jobs as their images do, for the detector suite
	$(DOTNET) publish src/DriftJobs.Detector/DriftJobs.Detector.csproj -c Release -o $(BENCH_OUT)/detector --nologo -v quiet
	$(DOTNET) publish src/DriftJobs.Baseline/DriftJobs.Baseline.csproj -c Release -o $(BENCH_OUT)/baseline -p:UseAppHost=false --nologo -v quiet

.PHONY: bench-detector
bench-detector: tools bench-publish ## The detector suite: detector vs DuckDB vs bare decode, RSS, baseline job (BENCH_ARGS= e.g. --rows 1m)
	$(DOTNET) run -c Release --project $(BENCH_PROJECT) -- detector $(BENCH_ARGS)

.PHONY: bench-incremental
bench-incremental: tools bench-publish ## The incremental suite: hour profiles, steady state, backfill, shards (BENCH_INCREMENTAL_ARGS= e.g. --rows 1m)
	$(DOTNET) run -c Release --project $(BENCH_PROJECT) -- incremental $(BENCH_INCREMENTAL_ARGS)
