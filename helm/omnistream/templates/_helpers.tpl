{{/* Names: <release>-omnistream unless the release name already contains the chart name; 63 chars (DNS label). */}}
{{- define "omnistream.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Common labels; pass (dict "root" $ "component" "ingest"). */}}
{{- define "omnistream.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: omnistream
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
{{- end -}}

{{/* Selector labels (immutable in Deployments: keep them minimal). */}}
{{- define "omnistream.selectorLabels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "omnistream.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "omnistream.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* <registry>/<repository>:<tag><suffix>; pass (dict "root" $ "image" .Values.ingest.image). */}}
{{- define "omnistream.image" -}}
{{- $tag := .image.tag | default .root.Values.image.tag | default .root.Chart.AppVersion -}}
{{- printf "%s/%s:%s%s" (trimSuffix "/" .root.Values.image.registry) .image.repository $tag (.image.tagSuffix | default "") -}}
{{- end -}}

{{/* Where the encoder worker reaches its Whisper sidecar: loopback only, the server never binds a pod IP. */}}
{{- define "omnistream.whisperUrl" -}}
{{- printf "http://127.0.0.1:%d" (int .Values.encoder.whisper.port) -}}
{{- end -}}

{{- define "omnistream.kafkaBootstrap" -}}
{{- if .Values.strimzi.enabled -}}
{{- printf "%s-kafka-bootstrap:9092" (include "omnistream.strimziCluster" .) -}}
{{- else -}}
{{- .Values.kafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{/* schema.registry.url of every service: the chart's Apicurio when schemaRegistry.apicurio.enabled, else schemaRegistry.url. */}}
{{- define "omnistream.schemaRegistryUrl" -}}
{{- if .Values.schemaRegistry.apicurio.enabled -}}
{{- printf "http://%s-apicurio:8080/apis/ccompat/v7" (include "omnistream.fullname" .) -}}
{{- else -}}
{{- .Values.schemaRegistry.url -}}
{{- end -}}
{{- end -}}

{{- define "omnistream.strimziCluster" -}}
{{- default (printf "%s-kafka" (include "omnistream.fullname" .)) .Values.strimzi.clusterName | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "omnistream.embeddingTopic" -}}
{{- printf "embeddings.%s.v1" .Values.encoder.model -}}
{{- end -}}

{{- define "omnistream.milvusSecretName" -}}
{{- if .Values.milvus.existingSecret -}}
{{- .Values.milvus.existingSecret -}}
{{- else -}}
{{- printf "%s-milvus" (include "omnistream.fullname" .) -}}
{{- end -}}
{{- end -}}

{{- define "omnistream.milvusSecretKey" -}}
{{- if .Values.milvus.existingSecret -}}{{ .Values.milvus.existingSecretKey }}{{- else -}}token{{- end -}}
{{- end -}}

{{- define "omnistream.hasMilvusToken" -}}
{{- if or .Values.milvus.token .Values.milvus.existingSecret -}}true{{- end -}}
{{- end -}}

{{/*
A configuration key as its environment variable, the rule of io.omnistream.runtime.config.ConfigOption#envVar:
OMNISTREAM_ + key upper-cased with '.' and '-' replaced by '_'.
*/}}
{{- define "omnistream.envName" -}}
{{- printf "OMNISTREAM_%s" (regexReplaceAll "[.-]" . "_" | upper) -}}
{{- end -}}

{{/* ConfigMap data lines for a map of configuration keys; values are rendered as strings. */}}
{{- define "omnistream.configData" -}}
{{- $lines := list -}}
{{- with get . "schema.registry.url" }}{{ if hasPrefix "mock://" (toString .) }}
{{- fail (printf "schema.registry.url is %s: a mock:// registry lives inside one JVM, so pods would disagree on schema ids; set schemaRegistry.url to an http(s):// registry or schemaRegistry.apicurio.enabled=true" (toString .)) }}
{{- end }}{{ end -}}
{{- range $k, $v := . -}}
{{- $lines = append $lines (printf "%s: %s" (include "omnistream.envName" $k) (toString $v | quote)) -}}
{{- end -}}
{{- join "\n" $lines -}}
{{- end -}}

{{/* Env entries every service container gets (not secrets): scratch HOME, JVM flags. */}}
{{- define "omnistream.commonEnv" -}}
- name: HOME
  value: /tmp
- name: JAVA_TOOL_OPTIONS
  value: {{ .javaToolOptions | quote }}
{{- end -}}

{{- define "omnistream.milvusTokenEnv" -}}
{{- if include "omnistream.hasMilvusToken" . -}}
- name: OMNISTREAM_MILVUS_TOKEN
  valueFrom:
    secretKeyRef:
      name: {{ include "omnistream.milvusSecretName" . }}
      key: {{ include "omnistream.milvusSecretKey" . }}
{{- end -}}
{{- end -}}

{{- define "omnistream.podAnnotations" -}}
{{- $a := dict -}}
{{- if .root.Values.metrics.podAnnotations -}}
{{- $a = dict "prometheus.io/scrape" "true" "prometheus.io/port" (.root.Values.metrics.port | toString) "prometheus.io/path" "/metrics" -}}
{{- end -}}
{{- with .extra -}}{{- $a = merge (deepCopy .) $a -}}{{- end -}}
{{- with $a -}}{{- toYaml . -}}{{- end -}}
{{- end -}}

{{- define "omnistream.imagePullSecrets" -}}
{{- with .Values.image.pullSecrets -}}
imagePullSecrets:
{{- range . }}
  - name: {{ . }}
{{- end }}
{{- end -}}
{{- end -}}

{{/* Scheduling block; pass the component values. */}}
{{- define "omnistream.scheduling" -}}
{{- $s := dict -}}
{{- with .nodeSelector }}{{ $_ := set $s "nodeSelector" . }}{{ end -}}
{{- with .tolerations }}{{ $_ := set $s "tolerations" . }}{{ end -}}
{{- with .affinity }}{{ $_ := set $s "affinity" . }}{{ end -}}
{{- with $s }}{{ toYaml . }}{{ end -}}
{{- end -}}

{{/* Where the API key store Secret is mounted in the HTTP services' pods. */}}
{{- define "omnistream.authMountPath" -}}/etc/omnistream/auth{{- end -}}

{{- define "omnistream.apiKeysSecretName" -}}
{{- .Values.auth.apiKeys.existingSecret | default (printf "%s-api-keys" (include "omnistream.fullname" .)) -}}
{{- end -}}

{{/* volumeMounts / volumes entries of the API key store (api-key modes only). */}}
{{- define "omnistream.authVolumeMount" -}}
{{- if contains "api-key" .Values.auth.mode }}
- name: api-keys
  mountPath: {{ include "omnistream.authMountPath" . }}
  readOnly: true
{{- end }}
{{- end -}}

{{- define "omnistream.authVolume" -}}
{{- if contains "api-key" .Values.auth.mode }}
- name: api-keys
  secret:
    secretName: {{ include "omnistream.apiKeysSecretName" . }}
    defaultMode: 0440
{{- end }}
{{- end -}}
