{{/* ---------- names and labels ---------- */}}

{{- define "batch-load.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "batch-load.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* The Job carries the release revision: a Job's pod template is immutable, so every
`helm upgrade` renders a new Job and helm deletes the previous one. */}}
{{- define "batch-load.jobName" -}}
{{- printf "%s-%d" (include "batch-load.fullname" . | trunc 52 | trimSuffix "-") (int .Release.Revision) }}
{{- end }}

{{- define "batch-load.mockName" -}}
{{- printf "%s-mock" (include "batch-load.fullname" . | trunc 58 | trimSuffix "-") }}
{{- end }}

{{- define "batch-load.secretName" -}}
{{- default (include "batch-load.fullname" .) .Values.auth.existingSecret }}
{{- end }}

{{- define "batch-load.testDataConfigMapName" -}}
{{- default (printf "%s-testdata" (include "batch-load.fullname" . | trunc 54 | trimSuffix "-")) .Values.testData.existingConfigMap }}
{{- end }}

{{- define "batch-load.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "batch-load.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "batch-load.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "batch-load.labels" -}}
helm.sh/chart: {{ include "batch-load.chart" . }}
{{ include "batch-load.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "batch-load.selectorLabels" -}}
app.kubernetes.io/name: {{ include "batch-load.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* ---------- images ---------- */}}

{{- define "batch-load.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) }}
{{- end }}

{{- define "batch-load.mockImage" -}}
{{- $repo := default .Values.image.repository .Values.mock.image.repository }}
{{- $tag := default (default .Chart.AppVersion .Values.image.tag) .Values.mock.image.tag | toString }}
{{- printf "%s:%s" $repo $tag }}
{{- end }}

{{/* ---------- durations ----------
Seconds from a duration value: a number (seconds), a numeric string, or a Go-style string built
from <number><unit> parts with unit ms|s|m|h|d ("90s", "2m", "1h30m", "1.5m"), the same grammar
as the tester's --run-time. Rounded up. Renders "0" for an empty value, fails on anything else. */}}
{{- define "batch-load.durationSeconds" -}}
{{- $v := .value }}
{{- if or (kindIs "invalid" $v) (and (kindIs "string" $v) (eq (trim $v) "")) }}
{{- 0 }}
{{- else if not (kindIs "string" $v) }}
{{- $v | float64 | ceil | int }}
{{- else if regexMatch "^[0-9]+(\\.[0-9]+)?$" (trim $v) }}
{{- trim $v | float64 | ceil | int }}
{{- else if regexMatch "^([0-9]+(\\.[0-9]+)?(ms|d|h|m|s))+$" (trim $v | lower) }}
{{- $unit := dict "ms" 0.001 "s" 1.0 "m" 60.0 "h" 3600.0 "d" 86400.0 }}
{{- $total := 0.0 }}
{{- range regexFindAll "[0-9]+(\\.[0-9]+)?(ms|d|h|m|s)" (trim $v | lower) -1 }}
{{- $n := regexFind "^[0-9]+(\\.[0-9]+)?" . | float64 }}
{{- $u := regexReplaceAll "^[0-9]+(\\.[0-9]+)?" . "" }}
{{- $total = addf $total (mulf $n (index $unit $u)) }}
{{- end }}
{{- $total | ceil | int }}
{{- else }}
{{- fail (printf "%s: %q is not a duration (use seconds or e.g. 90s, 2m, 1h30m)" .name $v) }}
{{- end }}
{{- end }}

{{/* Job deadline: explicit job.activeDeadlineSeconds, or run time (explicit or the preset's)
+ stop timeout (explicit or the tester's default, 30 s) + margin. */}}
{{- define "batch-load.activeDeadlineSeconds" -}}
{{- if not (kindIs "invalid" .Values.job.activeDeadlineSeconds) }}
{{- .Values.job.activeDeadlineSeconds | int }}
{{- else }}
{{- $presetRunTime := dict "smoke" 120 "medium" 300 "stress" 600 "soak" 1800 }}
{{- if not (or (kindIs "invalid" .Values.run.sweep) (eq (toString .Values.run.sweep) "")) }}
{{- fail "run.sweep: a sweep's length depends on what it finds; set job.activeDeadlineSeconds (e.g. steps × (stepTime + warmup + stopTimeout) + 15 minutes for the probe)" }}
{{- end }}
{{- $run := include "batch-load.durationSeconds" (dict "name" "run.runTime" "value" .Values.run.runTime) | atoi }}
{{- if .Values.run.stages }}
{{- /* the stages set the run time: their durations (DURATION:TARGET, ...) added */}}
{{- range $s := splitList "," (toString .Values.run.stages) }}
{{- $run = add $run (include "batch-load.durationSeconds" (dict "name" "run.stages" "value" (regexReplaceAll ":[^:]*$" (trim $s) "")) | atoi) }}
{{- end }}
{{- end }}
{{- if eq $run 0 }}
{{- $run = index $presetRunTime .Values.preset }}
{{- end }}
{{- $stop := 30 }}
{{- if not (or (kindIs "invalid" .Values.run.stopTimeout) (eq (toString .Values.run.stopTimeout) "")) }}
{{- $stop = include "batch-load.durationSeconds" (dict "name" "run.stopTimeout" "value" .Values.run.stopTimeout) | atoi }}
{{- end }}
{{- add $run $stop (.Values.job.deadlineMarginSeconds | int) }}
{{- end }}
{{- end }}

{{/* ---------- test data ---------- */}}

{{/* "true" when custom test data comes from a ConfigMap (chart-owned or existing). */}}
{{- define "batch-load.testData.custom" -}}
{{- if or .Values.testData.inline .Values.testData.files .Values.testData.existingConfigMap }}true{{ end }}
{{- end }}

{{/* "true" when the chart renders its own test-data ConfigMap. */}}
{{- define "batch-load.testData.ownConfigMap" -}}
{{- if and (not .Values.testData.existingConfigMap) (or .Values.testData.inline .Values.testData.files) }}true{{ end }}
{{- end }}

{{/* The custom file name selected inside the ConfigMap (fails when ambiguous or unknown). */}}
{{- define "batch-load.testData.selected" -}}
{{- $td := .Values.testData }}
{{- $keys := keys $td.files | sortAlpha }}
{{- if $td.inline }}{{ $keys = append $keys "inline.jsonl" }}{{ end }}
{{- if $td.select }}
{{- if and (not $td.existingConfigMap) (not (has $td.select $keys)) }}
{{- fail (printf "testData.select %q is not one of the custom files %v" $td.select $keys) }}
{{- end }}
{{- $td.select }}
{{- else if $td.existingConfigMap }}
{{- fail "testData.existingConfigMap needs testData.select (the key of the JSONL file in it)" }}
{{- else if $td.inline }}
{{- "inline.jsonl" }}
{{- else if eq (len $keys) 1 }}
{{- first $keys }}
{{- else }}
{{- fail (printf "testData.files has %d files %v: set testData.select" (len $keys) $keys) }}
{{- end }}
{{- end }}

{{- define "batch-load.validate" -}}
{{- $td := .Values.testData }}
{{- if and $td.builtin (include "batch-load.testData.custom" .) }}
{{- fail "testData.builtin cannot be combined with custom test data (inline, files or existingConfigMap)" }}
{{- end }}
{{- if and $td.inline (hasKey $td.files "inline.jsonl") }}
{{- fail "testData.files must not contain inline.jsonl when testData.inline is set" }}
{{- end }}
{{- if and .Values.results.existingClaim (not .Values.results.jsonFile) (not .Values.results.csvPrefix) }}
{{- fail "results.existingClaim is set but neither results.jsonFile nor results.csvPrefix writes anything to it" }}
{{- end }}
{{- end }}

{{/* ---------- target and arguments ---------- */}}

{{- define "batch-load.host" -}}
{{- if .Values.run.host }}
{{- .Values.run.host }}
{{- else if .Values.mock.enabled }}
{{- printf "http://%s:%d" (include "batch-load.mockName" .) (int .Values.mock.service.port) }}
{{- end }}
{{- end }}

{{- define "batch-load.jsonFile" -}}
{{- if .Values.results.jsonFile }}{{ printf "/results/%s" (tpl .Values.results.jsonFile .) }}{{ end }}
{{- end }}

{{/* Which `run` values render as which flag (or env var): generated from the option registry. */}}
{{- define "batch-load.runOptionLists" -}}
{{- /* >>> generated from the option registry (src/options) by `npm run gen`: edit the registry, not this block */}}
valueFlags:
  - ["basePath", "--base-path"]
  - ["chatHost", "--chat-host"]
  - ["responsesHost", "--responses-host"]
  - ["embeddingsHost", "--embeddings-host"]
  - ["baselineHost", "--baseline-host"]
  - ["baselineRatio", "--baseline-ratio"]
  - ["overheadHeader", "--overhead-header"]
  - ["users", "--users"]
  - ["spawnRate", "--spawn-rate"]
  - ["runTime", "--run-time"]
  - ["stopTimeout", "--stop-timeout"]
  - ["waitMin", "--wait-min"]
  - ["waitMax", "--wait-max"]
  - ["rate", "--rate"]
  - ["iterations", "--iterations"]
  - ["arrival", "--arrival"]
  - ["burstiness", "--burstiness"]
  - ["stages", "--stages"]
  - ["sweep", "--sweep"]
  - ["stepTime", "--step-time"]
  - ["warmup", "--warmup"]
  - ["slo", "--slo"]
  - ["scenario", "--scenario"]
  - ["retry429", "--retry-429"]
  - ["requestTimeout", "--request-timeout"]
  - ["connections", "--connections"]
  - ["seed", "--seed"]
  - ["verify", "--verify"]
  - ["pollInterval", "--poll-interval"]
  - ["pollFactor", "--poll-factor"]
  - ["pollMaxInterval", "--poll-max-interval"]
  - ["maxPolls", "--max-polls"]
  - ["maxWait", "--max-wait"]
  - ["cancelAfter", "--cancel-after"]
  - ["expireWindow", "--expire-window"]
  - ["model", "--model"]
  - ["chatModel", "--chat-model"]
  - ["responsesModel", "--responses-model"]
  - ["embeddingsModel", "--embeddings-model"]
  - ["prompt", "--prompt"]
  - ["promptRepeat", "--prompt-repeat"]
  - ["maxTokens", "--max-tokens"]
  - ["streamRatio", "--stream-ratio"]
  - ["user", "--user"]
  - ["embeddingInputs", "--embedding-inputs"]
  - ["encodingFormat", "--encoding-format"]
  - ["dimensions", "--dimensions"]
  - ["progressInterval", "--progress-interval"]
  - ["runId", "--run-id"]
switchFlags:
  - ["refine", "--refine"]
  - ["pollJitter", "--poll-jitter"]
  - ["compareOnline", "--compare-online"]
  - ["stream", "--stream"]
  - ["defaultThresholds", "--default-thresholds"]
  - ["onlySummary", "--only-summary"]
listFlags:
  - ["thresholds", "--threshold"]
envValues:
  - ["p95ThresholdMs", "P95_THRESHOLD_MS"]
  - ["errorRateThreshold", "ERROR_RATE_THRESHOLD"]
{{- /* <<< end of generated block */}}
{{- end }}

{{/* The tester's argv as a YAML list. Only values that are set become flags, so the preset and
the tester's own defaults apply otherwise. Secrets never appear here. */}}
{{- define "batch-load.args" -}}
{{- $r := .Values.run }}
{{- $lists := include "batch-load.runOptionLists" . | fromYaml }}
{{- $args := list "run" "--preset" .Values.preset }}
{{- $host := include "batch-load.host" . }}
{{- if $host }}{{ $args = concat $args (list "--host" $host) }}{{ end }}
{{- range $pair := $lists.valueFlags }}
{{- $v := index $r (index $pair 0) }}
{{- if not (or (kindIs "invalid" $v) (and (kindIs "string" $v) (eq $v ""))) }}
{{- $args = concat $args (list (index $pair 1) (toString $v)) }}
{{- end }}
{{- end }}
{{- range $pair := $lists.switchFlags }}
{{- $v := index $r (index $pair 0) }}
{{- if kindIs "bool" $v }}
{{- $args = append $args (ternary (index $pair 1) (printf "--no-%s" (trimPrefix "--" (index $pair 1))) $v) }}
{{- end }}
{{- end }}
{{- /* A list flag once, followed by every item: this does not depend on how the parser merges
repeated flags. */}}
{{- range $pair := $lists.listFlags }}
{{- $items := index $r (index $pair 0) }}
{{- if $items }}
{{- $args = append $args (index $pair 1) }}
{{- range $items }}{{ $args = append $args (toString .) }}{{ end }}
{{- end }}
{{- end }}
{{- if include "batch-load.testData.custom" . }}
{{- $args = concat $args (list "--data" (printf "%s/%s" (trimSuffix "/" .Values.testData.mountPath) (include "batch-load.testData.selected" .))) }}
{{- else if .Values.testData.builtin }}
{{- $args = concat $args (list "--data" .Values.testData.builtin) }}
{{- end }}
{{- $json := include "batch-load.jsonFile" . }}
{{- if $json }}{{ $args = concat $args (list "--json" $json) }}{{ end }}
{{- if .Values.results.csvPrefix }}
{{- $args = concat $args (list "--csv" (printf "/results/%s" .Values.results.csvPrefix)) }}
{{- end }}
{{- range $r.extraArgs }}
{{- $args = append $args (toString .) }}
{{- end }}
{{- toYaml $args }}
{{- end }}

{{/*
Credential env vars from the Secret (the chart's, or existingSecret), for the tester and the
in-cluster mock alike: the mock reads the same API_KEY / BASIC_AUTH_* variables, so both agree.
*/}}
{{- define "batch-load.credentialEnv" -}}
{{- $chartSecret := and (not .Values.auth.existingSecret) (or .Values.auth.apiKey .Values.auth.basicAuthUsername .Values.auth.basicAuthPassword) }}
{{- $secretName := include "batch-load.secretName" . }}
{{- $keys := .Values.auth.existingSecretKeys }}
{{- range $env, $field := dict "API_KEY" "apiKey" "BASIC_AUTH_USERNAME" "basicAuthUsername" "BASIC_AUTH_PASSWORD" "basicAuthPassword" }}
{{- if or $.Values.auth.existingSecret (and $chartSecret (index $.Values.auth $field)) }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ $secretName }}
      key: {{ index $keys $field }}
      {{- if $.Values.auth.existingSecret }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}
{{- end }}
