{{- /*
The OMNISTREAM_* variables of each service, as ConfigMap data lines (the deployments hash the same text so that a
configuration change rolls the pods). Precedence: keys the chart must own (listen address and port that the probes
and the Service depend on) > the component's `config` map > values derived from the endpoints and topics.
*/ -}}
{{- define "omnistream.commonConfig" -}}
{{- toYaml (dict "kafka.bootstrap.servers" (include "omnistream.kafkaBootstrap" .) "schema.registry.url" (include "omnistream.schemaRegistryUrl" .)) -}}
{{- end -}}

{{/* The auth.* keys of the HTTP services: the mode, the mounted key store, the JWT settings when given. */}}
{{- define "omnistream.authConfig" -}}
{{- $a := dict "auth.mode" .Values.auth.mode -}}
{{- if contains "api-key" .Values.auth.mode -}}
{{- $_ := set $a "auth.key-store-file" (printf "%s/%s" (include "omnistream.authMountPath" .) .Values.auth.apiKeys.secretKey) -}}
{{- end -}}
{{- with .Values.auth.jwt.jwksUrl }}{{ $_ := set $a "auth.jwt.jwks-url" . }}{{ end -}}
{{- with .Values.auth.jwt.issuer }}{{ $_ := set $a "auth.jwt.issuer" . }}{{ end -}}
{{- with .Values.auth.jwt.audience }}{{ $_ := set $a "auth.jwt.audience" . }}{{ end -}}
{{- $_ := set $a "auth.jwt.tenant-claim" .Values.auth.jwt.tenantClaim -}}
{{- toYaml $a -}}
{{- end -}}

{{- define "omnistream.config.ingest" -}}
{{- $fixed := dict "ingest.http.host" "0.0.0.0" "ingest.http.port" "8080" -}}
{{- $derived := merge (dict "ingest.topic" .Values.topics.mediaEvents) (include "omnistream.authConfig" . | fromYaml) (include "omnistream.commonConfig" . | fromYaml) -}}
{{- include "omnistream.configData" (merge $fixed (deepCopy .Values.ingest.config) $derived) -}}
{{- end -}}

{{- define "omnistream.config.encoder" -}}
{{- /* The Whisper sidecar's address is the chart's to own (it starts the server on that loopback port), so an
       encoder.asr.whisper.url in encoder.config cannot point the worker elsewhere while the sidecar runs. */ -}}
{{- $fixed := dict -}}
{{- if .Values.encoder.whisper.enabled -}}
{{- $_ := set $fixed "encoder.asr.whisper.url" (include "omnistream.whisperUrl" .) -}}
{{- end -}}
{{- $derived := merge (dict
      "encoder.model" .Values.encoder.model
      "encoder.execution-provider" .Values.encoder.executionProvider
      "encoder.group.id" .Values.encoder.groupId
      "encoder.input.topic" .Values.topics.mediaEvents
      "encoder.dlq.topic" .Values.topics.dlq) (include "omnistream.commonConfig" . | fromYaml) -}}
{{- include "omnistream.configData" (merge $fixed (deepCopy .Values.encoder.config) $derived) -}}
{{- end -}}

{{- define "omnistream.config.sink" -}}
{{- $derived := merge (dict
      "milvus.uri" .Values.milvus.uri
      "sink.topic" (.Values.sink.topic | default (include "omnistream.embeddingTopic" .))
      "sink.group.id" .Values.sink.groupId
      "sink.dlq.topic" .Values.topics.dlq) (include "omnistream.commonConfig" . | fromYaml) -}}
{{- include "omnistream.configData" (merge (deepCopy .Values.sink.config) $derived) -}}
{{- end -}}

{{/* pass (dict "root" $ "job" <job>) */}}
{{- define "omnistream.config.flinkJob" -}}
{{- $derived := merge (dict "milvus.uri" .root.Values.milvus.uri "quality.dlq.topic" .root.Values.topics.dlq) (include "omnistream.commonConfig" .root | fromYaml) -}}
{{- with .job.configPrefix }}
{{- $rs := $.root.Values.flink.restartStrategy }}
{{- $_ := set $derived (printf "%s.restart.max-failures-per-interval" .) $rs.maxFailuresPerInterval }}
{{- $_ := set $derived (printf "%s.restart.failure-rate-interval" .) $rs.failureRateInterval }}
{{- $_ := set $derived (printf "%s.restart.delay" .) $rs.delay }}
{{- end }}
{{- include "omnistream.configData" (merge (deepCopy (.job.config | default dict)) $derived) -}}
{{- end -}}

{{- define "omnistream.config.quality" -}}
{{- $fixed := dict "quality-service.web.host" "0.0.0.0" "quality-service.web.port" (.Values.qualityService.service.port | toString) -}}
{{- include "omnistream.configData" (merge $fixed (deepCopy .Values.qualityService.config) (include "omnistream.authConfig" . | fromYaml) (include "omnistream.commonConfig" . | fromYaml)) -}}
{{- end -}}
