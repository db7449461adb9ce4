{{/*
The chart name, or nameOverride.
*/}}
{{- define "drift-jobs.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
The prefix of every object name: fullnameOverride, else "<release>-<chart>" (just the release when it already holds
the chart name). Cut to 43 characters, not helm create's 63, so that "<fullname>-detector" stays within the 52
characters a CronJob name may have (the CronJob controller adds 11 to it for its Jobs' names).
*/}}
{{- define "drift-jobs.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 43 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 43 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 43 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/*
Chart name and version, for the helm.sh/chart label.
*/}}
{{- define "drift-jobs.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels.
*/}}
{{- define "drift-jobs.labels" -}}
helm.sh/chart: {{ include "drift-jobs.chart" . }}
{{ include "drift-jobs.selectorLabels" . }}
{{- if .Chart.AppVersion }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: drift-jobs
{{- end }}

{{/*
Selector labels.
*/}}
{{- define "drift-jobs.selectorLabels" -}}
app.kubernetes.io/name: {{ include "drift-jobs.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
The ServiceAccount the jobs run as.
*/}}
{{- define "drift-jobs.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "drift-jobs.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
An image reference from {repository, tag}; the tag defaults to the chart's appVersion.
*/}}
{{- define "drift-jobs.image" -}}
{{- printf "%s:%s" .image.repository (default .root.Chart.AppVersion .image.tag | toString) }}
{{- end }}

{{/*
The name of the Secret holding the storage connection string.
*/}}
{{- define "drift-jobs.storageSecretName" -}}
{{- default (printf "%s-storage" (include "drift-jobs.fullname" .)) .Values.storage.connectionString.existingSecret }}
{{- end }}

{{/*
Checks the values no schema can: what must be set, and what must not be set together. Included by every template
that needs them, so `helm template` and `helm install` fail with the same message before anything is applied.
*/}}
{{- define "drift-jobs.validate" -}}
{{- $_ := required "model.name is required (MODEL_NAME): make deploy MODEL_NAME=... or --set model.name=..." .Values.model.name }}
{{- $_ := required "model.version is required (MODEL_VERSION): make deploy MODEL_VERSION=... or --set model.version=..." .Values.model.version }}
{{- $cs := .Values.storage.connectionString }}
{{- if and $cs.enabled .Values.storage.accountUrl }}
{{- fail "set storage.accountUrl (workload identity) or storage.connectionString.enabled, not both" }}
{{- end }}
{{- if and (not $cs.enabled) (not .Values.storage.accountUrl) }}
{{- fail "storage.accountUrl is required (AZURE_STORAGE_ACCOUNT_URL, with workload identity), or enable storage.connectionString" }}
{{- end }}
{{- if and $cs.enabled (not $cs.existingSecret) (not $cs.value) }}
{{- fail "storage.connectionString.enabled needs storage.connectionString.existingSecret or storage.connectionString.value" }}
{{- end }}
{{- if and $cs.existingSecret $cs.value }}
{{- fail "set storage.connectionString.existingSecret or storage.connectionString.value, not both" }}
{{- end }}
{{- if and .Values.baseline.enabled (not .Values.baseline.trainingData) }}
{{- fail "baseline.trainingData is required when baseline.enabled (TRAINING_DATA): make generate-baseline TRAINING_DATA=..." }}
{{- end }}
{{- $logs := clean .Values.detector.logsMountPath }}
{{- if and .Values.detector.logsVolume (or (eq $logs "/") (eq $logs "/tmp") (hasPrefix "/tmp/" $logs) (eq $logs "/app") (hasPrefix "/app/" $logs)) }}
{{- fail (printf "detector.logsMountPath %q would hide the job's own files (/, /app, /tmp): mount the logs elsewhere" .Values.detector.logsMountPath) }}
{{- end }}
{{- range .Values.detector.extraEnv }}
{{- if and $.Values.detector.logsVolume (eq .name "DRIFT_LOGS_PATH") }}
{{- fail "detector.extraEnv sets DRIFT_LOGS_PATH while detector.logsVolume is set: remove it from extraEnv (the chart sets it to detector.logsMountPath)" }}
{{- end }}
{{- if eq .name "DRIFT_SHARDS" }}
{{- fail "detector.extraEnv sets DRIFT_SHARDS: set detector.shards instead, which also makes the detector's Job an Indexed Job of that many pods" }}
{{- end }}
{{- if eq .name "JOB_COMPLETION_INDEX" }}
{{- fail "detector.extraEnv sets JOB_COMPLETION_INDEX: remove it (Kubernetes sets it in each pod of the Indexed Job detector.shards makes)" }}
{{- end }}
{{- if has .name (list "DRIFT_BACKFILL_FROM" "DRIFT_BACKFILL_TO") }}
{{- fail (printf "detector.extraEnv sets %s: remove it (driftctl backfill sets it on a one-off Job; the hourly CronJob never backfills)" .name) }}
{{- end }}
{{- end }}
{{- $d := .Values.detector }}
{{- /* The detector refuses these too (exit 2); failing here stops them before anything is applied. */}}
{{- if lt (int64 $d.hourProfileRetentionHours) (int64 .Values.drift.analysisWindowHours) }}
{{- fail (printf "detector.hourProfileRetentionHours (%v) must be at least drift.analysisWindowHours (%v): the window's own hour profiles would be deleted" $d.hourProfileRetentionHours .Values.drift.analysisWindowHours) }}
{{- end }}
{{- if eq $d.reference "baseline+previous-week" }}
{{- if not $d.hourProfiles }}
{{- fail "detector.reference baseline+previous-week needs detector.hourProfiles true (DRIFT_HOUR_PROFILES=on): the week before is read from its hour profiles" }}
{{- end }}
{{- if lt (int64 $d.hourProfileRetentionHours) (add (int64 .Values.drift.analysisWindowHours) 168) }}
{{- fail (printf "detector.hourProfileRetentionHours (%v) must be at least drift.analysisWindowHours + 168 (%v) with detector.reference baseline+previous-week: the week before's hour profiles would be deleted" $d.hourProfileRetentionHours (add (int64 .Values.drift.analysisWindowHours) 168)) }}
{{- end }}
{{- end }}
{{- if gt (int64 $d.shards) 1 }}
{{- if not $d.hourProfiles }}
{{- fail (printf "detector.shards (%v) needs detector.hourProfiles true (DRIFT_HOUR_PROFILES=on): the shards hand their hours to index 0 as hour profiles" $d.shards) }}
{{- end }}
{{- if ge (int64 $d.shardWaitSeconds) (int64 $d.activeDeadlineSeconds) }}
{{- fail (printf "detector.shardWaitSeconds (%v) must be below detector.activeDeadlineSeconds (%v) when detector.shards is above 1: the Job would be stopped before index 0 gives up waiting for the other shards" $d.shardWaitSeconds $d.activeDeadlineSeconds) }}
{{- end }}
{{- if semverCompare "<1.29.0-0" .Capabilities.KubeVersion.Version }}
{{- fail (printf "detector.shards (%v) needs Kubernetes 1.29 or later (an Indexed Job with backoffLimitPerIndex), not %s: keep detector.shards at 1" $d.shards .Capabilities.KubeVersion.Version) }}
{{- end }}
{{- end }}
{{- end }}

{{/*
The pod spec both jobs share, around one container. Arguments: root (the chart context), component, container
(the container's name), image, resources, extraEnv, extraPodLabels, extraPodAnnotations, env (the job's own EnvVars),
and optionally volumes and volumeMounts (the job's own, next to /tmp).
*/}}
{{- define "drift-jobs.podTemplate" -}}
{{- $root := .root }}
{{- $env := list }}
{{- if $root.Values.storage.connectionString.enabled }}
{{- $secretKeyRef := dict "name" (include "drift-jobs.storageSecretName" $root) "key" $root.Values.storage.connectionString.secretKey }}
{{- $env = append $env (dict "name" "AZURE_STORAGE_CONNECTION_STRING" "valueFrom" (dict "secretKeyRef" $secretKeyRef)) }}
{{- end }}
{{- $env = concat $env .env .extraEnv -}}
metadata:
  labels:
    {{- include "drift-jobs.labels" $root | nindent 4 }}
    app.kubernetes.io/component: {{ .component }}
    {{- if $root.Values.workloadIdentity.enabled }}
    azure.workload.identity/use: "true"
    {{- end }}
    {{- with .extraPodLabels }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  annotations:
    kubectl.kubernetes.io/default-container: {{ .container }}
    {{- with .extraPodAnnotations }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
spec:
  # Exit codes decide retries (podFailurePolicy), so the kubelet must not restart the container in place.
  restartPolicy: Never
  serviceAccountName: {{ include "drift-jobs.serviceAccountName" $root }}
  # The jobs never call the Kubernetes API; workload identity mounts its own projected token.
  automountServiceAccountToken: false
  {{- with $root.Values.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- toYaml $root.Values.podSecurityContext | nindent 4 }}
  containers:
    - name: {{ .container }}
      image: {{ .image | quote }}
      imagePullPolicy: {{ .pullPolicy }}
      securityContext:
        {{- toYaml $root.Values.securityContext | nindent 8 }}
      envFrom:
        - configMapRef:
            name: {{ include "drift-jobs.fullname" $root }}
      {{- with $env }}
      env:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      resources:
        {{- toYaml .resources | nindent 8 }}
      volumeMounts:
        - name: tmp
          mountPath: /tmp
        {{- with .volumeMounts }}
        {{- toYaml . | nindent 8 }}
        {{- end }}
  volumes:
    # The root filesystem is read-only; .NET and the jobs' temporary files write here.
    - name: tmp
      emptyDir:
        sizeLimit: {{ $root.Values.tmpSizeLimit }}
    {{- with .volumes }}
    {{- toYaml . | nindent 4 }}
    {{- end }}
  {{- with $root.Values.nodeSelector }}
  nodeSelector:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.affinity }}
  affinity:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  {{- with $root.Values.tolerations }}
  tolerations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end }}

{{/*
Retrying a configuration or input error (exit code 2) is waste: it fails the Job at once. A pod lost to a
disruption (node drain, preemption) does not count against backoffLimit.
*/}}
{{- define "drift-jobs.podFailurePolicy" -}}
podFailurePolicy:
  rules:
    - action: FailJob
      onExitCodes:
        containerName: {{ .container }}
        operator: In
        values:
          - 2
    - action: Ignore
      onPodConditions:
        - type: DisruptionTarget
{{- end }}

{{/*
The alert sinks that carry credentials (a Slack URL holds a token; the webhook's HMAC secret), from an existing
Secret, never from the ConfigMap. Each key is optional, so one Secret can enable any subset of them.
*/}}
{{- define "drift-jobs.alertSecretEnv" -}}
{{- $a := .Values.alerts }}
{{- if $a.existingSecret }}
{{- range $name, $key := dict "DRIFT_SLACK_WEBHOOK_URL" $a.slackWebhookUrlKey "DRIFT_WEBHOOK_URL" $a.webhookUrlKey "DRIFT_WEBHOOK_SECRET" $a.webhookSecretKey }}
- name: {{ $name }}
  valueFrom:
    secretKeyRef:
      name: {{ $a.existingSecret | quote }}
      key: {{ $key | quote }}
      optional: true
{{- end }}
{{- else }}
[]
{{- end }}
{{- end }}
