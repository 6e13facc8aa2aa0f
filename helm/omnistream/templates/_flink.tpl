{{/*
Pod template of a Flink JobManager or TaskManager (pass root, job, name, role). The operator merges it into the pods
it creates; the container must be called flink-main-container. The operator sets the container's cpu/memory
requests and limits from spec.jobManager/taskManager.resource.
*/}}
{{- define "omnistream.flinkPodTemplate" -}}
{{- $f := .root.Values.flink -}}
{{- $fullname := include "omnistream.fullname" .root -}}
metadata:
  labels:
    {{- include "omnistream.labels" (dict "root" .root "component" "flink") | nindent 4 }}
    omnistream.io/flink-job: {{ .job.name }}
    omnistream.io/flink-role: {{ .role }}
  annotations:
    checksum/config: {{ include "omnistream.config.flinkJob" . | sha256sum }}
    {{- with include "omnistream.podAnnotations" (dict "root" .root "extra" $f.podAnnotations) }}
    {{- . | nindent 4 }}
    {{- end }}
spec:
  securityContext:
    {{- toYaml $f.podSecurityContext | nindent 4 }}
  {{- with include "omnistream.imagePullSecrets" .root }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- with include "omnistream.scheduling" $f }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- if $f.storage.persistentVolumeClaim.enabled }}
  volumes:
    - name: flink-data
      persistentVolumeClaim:
        claimName: {{ include "omnistream.flinkDataClaim" .root }}
  {{- end }}
  containers:
    - name: flink-main-container
      securityContext:
        {{- toYaml $f.containerSecurityContext | nindent 8 }}
      ports:
        - name: metrics
          containerPort: {{ .root.Values.metrics.port }}
          protocol: TCP
      envFrom:
        - configMapRef:
            name: {{ $fullname }}-{{ .job.name }}
      {{- with include "omnistream.milvusTokenEnv" .root }}
      env:
        {{- . | nindent 8 }}
      {{- end }}
      {{- if $f.storage.persistentVolumeClaim.enabled }}
      # checkpoints and savepoints (flink.checkpointDir/savepointDir file://...): JobManager and TaskManagers
      volumeMounts:
        - name: flink-data
          mountPath: {{ $f.storage.mountPath }}
      {{- end }}
      {{- if eq .role "jobmanager" }}
      # The REST endpoint (dispatcher, job status) answers.
      livenessProbe:
        httpGet:
          path: /config
          port: 8081
        {{- include "omnistream.flinkProbeTiming" $f.probes | nindent 8 }}
      readinessProbe:
        httpGet:
          path: /overview
          port: 8081
        {{- include "omnistream.flinkProbeTiming" $f.probes | nindent 8 }}
      {{- else }}
      # The TaskManager's RPC endpoint accepts connections (taskmanager.rpc.port).
      livenessProbe:
        tcpSocket:
          port: 6122
        {{- include "omnistream.flinkProbeTiming" $f.probes | nindent 8 }}
      readinessProbe:
        tcpSocket:
          port: 6122
        {{- include "omnistream.flinkProbeTiming" $f.probes | nindent 8 }}
      {{- end }}
{{- end -}}

{{- define "omnistream.flinkProbeTiming" -}}
initialDelaySeconds: {{ .initialDelaySeconds }}
periodSeconds: {{ .periodSeconds }}
timeoutSeconds: {{ .timeoutSeconds }}
failureThreshold: {{ .failureThreshold }}
{{- end -}}

{{- define "omnistream.flinkDataClaim" -}}
{{- .Values.flink.storage.persistentVolumeClaim.existingClaim | default (printf "%s-flink-data" (include "omnistream.fullname" .)) -}}
{{- end -}}
