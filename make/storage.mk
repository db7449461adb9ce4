# Storage targets: read the container the jobs write, with driftctl.
# Storage settings come from the environment, as for the jobs: AZURE_STORAGE_ACCOUNT_URL or
# AZURE_STORAGE_CONNECTION_STRING, DRIFT_CONTAINER.
include $(dir $(lastword $(MAKEFILE_LIST)))common.mk

JSON ?=

.PHONY: view-metrics
view-metrics: ## Show the latest drift report of MODEL_NAME: summary and per-feature table (JSON=1 for the raw report)
	$(call require,MODEL_NAME,view-metrics)
	$(DRIFTCTL) view-metrics --model-name $(MODEL_NAME) $(if $(call is_true,$(JSON)),--json)

.PHONY: list-baselines
list-baselines: ## List the baselines in the container (MODEL_NAME= to filter)
	$(DRIFTCTL) list-baselines $(if $(MODEL_NAME),--model-name $(MODEL_NAME))

.PHONY: list-reports
list-reports: ## List the drift reports in the container (MODEL_NAME= to filter)
	$(DRIFTCTL) list-reports $(if $(MODEL_NAME),--model-name $(MODEL_NAME))

.PHONY: history
history: ## Show MODEL_NAME's drift over the last HOURS (168) as sparklines (MODEL_VERSION= for another version): driftctl history
	$(call require,MODEL_NAME,history)
	$(DRIFTCTL) history --model-name $(MODEL_NAME) $(if $(MODEL_VERSION),--model-version $(MODEL_VERSION)) $(if $(HOURS),--hours $(HOURS))
