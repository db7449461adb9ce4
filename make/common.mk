# What every make/*.mk file and the main Makefile share. Each file includes this one itself, so none depends on the
# order the Makefile's glob includes them in; the guard makes the second and later includes do nothing.
ifndef DRIFTJOBS_COMMON_MK
DRIFTJOBS_COMMON_MK := 1

DOTNET        ?= dotnet
CONFIGURATION ?= Release

# The model the cluster and storage targets act on.
MODEL_NAME    ?=
MODEL_VERSION ?=

# driftctl, built from source; DRIFTCTL=/path/to/driftctl uses an installed one.
DRIFTCTL      ?= $(DOTNET) run --project src/DriftJobs.Cli -c $(CONFIGURATION) --

is_true = $(filter 1 true yes,$(1))
require = $(if $($(1)),,$(error $(1) is required: make $(2) $(1)=...))

endif
