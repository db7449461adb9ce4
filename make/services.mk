# Real services for the alert-delivery and HTML-report tests (Debian packages), installed before `make test`.

.PHONY: services
services: ## Install Alertmanager, Pushgateway and Chromium (Debian packages) for the delivery and HTML-report tests
	tools/services/install.sh

test: services
