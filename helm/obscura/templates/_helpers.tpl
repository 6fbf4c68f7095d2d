{{/* Names and labels, as in `helm create`. */}}
{{- define "obscura.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "obscura.fullname" -}}
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

{{- define "obscura.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "obscura.selectorLabels" -}}
app.kubernetes.io/name: {{ include "obscura.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "obscura.labels" -}}
helm.sh/chart: {{ include "obscura.chart" . }}
{{ include "obscura.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "obscura.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "obscura.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "obscura.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{- define "obscura.claimName" -}}
{{- default (printf "%s-data" (include "obscura.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/* More than one pod can run at a time (fixed replicas or an autoscaler). */}}
{{- define "obscura.multiReplica" -}}
{{- if or (gt (int .Values.replicaCount) 1) .Values.autoscaling.enabled }}true{{ end }}
{{- end }}

{{/* Scheduled backups are on (backup.schedule), so the pod mounts the backup volume at /backups. */}}
{{- define "obscura.backupEnabled" -}}
{{- if and .Values.backup.schedule (ne .Values.backup.schedule "off") }}true{{ end }}
{{- end }}

{{- define "obscura.backupClaimName" -}}
{{- default (printf "%s-backups" (include "obscura.fullname" .)) .Values.backup.persistence.existingClaim }}
{{- end }}

{{/* The Secret the chart generates (JWT key, SMTP password, database password unless they come from elsewhere). */}}
{{- define "obscura.secretName" -}}
{{- printf "%s-secrets" (include "obscura.fullname" .) }}
{{- end }}

{{- define "obscura.appSecretName" -}}
{{- default (include "obscura.secretName" .) .Values.secrets.existingSecret }}
{{- end }}

{{- define "obscura.databaseSecretName" -}}
{{- default (include "obscura.secretName" .) .Values.externalDatabase.existingSecret }}
{{- end }}

{{- define "obscura.databaseSecretKey" -}}
{{- if .Values.externalDatabase.existingSecret }}{{ .Values.externalDatabase.existingSecretPasswordKey }}{{ else }}database-password{{ end }}
{{- end }}

{{/* blobs.plugin=s3 with the keys written into the chart's own Secret. */}}
{{- define "obscura.s3KeysInChartSecret" -}}
{{- if and (eq .Values.blobs.plugin "s3") (not .Values.blobs.s3.existingSecret) }}true{{ end }}
{{- end }}

{{/* bus.broker=amqp with the broker's password written into the chart's own Secret. */}}
{{- define "obscura.amqpUrlInChartSecret" -}}
{{- if and (eq .Values.bus.broker "amqp") (not .Values.bus.amqp.existingSecret) }}true{{ end }}
{{- end }}

{{/* Whether the chart must create its own Secret. */}}
{{- define "obscura.generateSecret" -}}
{{- if or (not .Values.secrets.existingSecret) (and (eq .Values.storage.plugin "mysql") (not .Values.externalDatabase.existingSecret)) (include "obscura.s3KeysInChartSecret" .) (include "obscura.amqpUrlInChartSecret" .) }}true{{ end }}
{{- end }}

{{/*
The application's configuration file: the user's `config:` with what the chart owns set on top.
Secrets never go here: they reach the container as environment variables from a Secret.
*/}}
{{- define "obscura.config" -}}
{{- $cfg := deepCopy (default dict .Values.config) }}
{{- $server := default dict (get $cfg "server") }}
{{- $_ := set $server "dataDir" "/data" }}
{{- $_ := set $server "drainDelaySeconds" (int .Values.drain.delaySeconds) }}
{{- $_ := set $server "drainSeconds" (int .Values.drain.seconds) }}
{{- if include "obscura.backupEnabled" . }}
{{- $_ := set $server "backup" (dict "schedule" .Values.backup.schedule "dir" "/backups" "keep" (int .Values.backup.keep)) }}
{{- end }}
{{- $_ := set $cfg "server" $server }}
{{- $_ := set $cfg "storage" (dict "plugin" .Values.storage.plugin) }}
{{- if eq .Values.blobs.plugin "s3" }}
{{- $s3 := .Values.blobs.s3 }}
{{- $_ := set $cfg "blobs" (dict "plugin" "s3" "s3" (dict "endpoint" $s3.endpoint "region" $s3.region "bucket" $s3.bucket "pathStyle" $s3.pathStyle "prefix" $s3.prefix "redirectDownloads" $s3.redirectDownloads "presignTtlSeconds" (int $s3.presignTtlSeconds))) }}
{{- end }}
{{- if eq .Values.storage.plugin "mysql" }}
{{- $db := .Values.externalDatabase }}
{{- $url := printf "mysql://%s@%s:%v/%s" (urlquery $db.user) $db.host (int $db.port) $db.database }}
{{- $_ := set $cfg "database" (dict "url" $url "poolSize" (int $db.poolSize)) }}
{{- end }}
{{- if eq .Values.bus.broker "amqp" }}
{{- $_ := set $cfg "bus" (dict "broker" "amqp" "amqp" (dict "url" .Values.bus.amqp.url)) }}
{{- end }}
{{- toPrettyJson $cfg }}
{{- end }}

{{- define "obscura.containerPort" -}}
{{- $server := default dict .Values.config.server }}
{{- int (default 8080 $server.port) }}
{{- end }}

{{/* Rules no single-value schema can state; each failure says what to change. */}}
{{- define "obscura.validate" -}}
{{- $plugin := .Values.storage.plugin }}
{{- if and (include "obscura.multiReplica" .) (ne $plugin "mysql") }}
{{- fail (printf "replicaCount %v (or autoscaling) needs storage.plugin=mysql with externalDatabase set: SQLite (storage.plugin=%s) is one process by design. Use one replica, or move to MySQL/MariaDB (obscura migrate-storage)." .Values.replicaCount $plugin) }}
{{- end }}
{{- $sharedBytes := eq .Values.blobs.plugin "s3" }}
{{- if and (include "obscura.multiReplica" .) (not $sharedBytes) .Values.persistence.enabled (not (has "ReadWriteMany" .Values.persistence.accessModes)) }}
{{- fail "more than one replica needs the bytes where every pod reaches them: blobs.plugin=s3 (an S3-compatible bucket), or persistence.accessModes [ReadWriteMany] (and a storageClass that provides it, e.g. NFS or CephFS); with storage.plugin=mysql" }}
{{- end }}
{{- if and (include "obscura.multiReplica" .) (not $sharedBytes) (not .Values.persistence.enabled) }}
{{- fail "more than one replica needs blobs.plugin=s3, or persistence.enabled=true with a ReadWriteMany volume: the replicas share one data dir" }}
{{- end }}
{{- if and (include "obscura.multiReplica" .) $sharedBytes .Values.persistence.enabled (not (has "ReadWriteMany" .Values.persistence.accessModes)) }}
{{- fail "more than one replica with blobs.plugin=s3 keeps only uploads in progress in the data dir: set persistence.enabled=false (each pod gets its own emptyDir), or a ReadWriteMany volume; one ReadWriteOnce volume cannot be mounted by every pod" }}
{{- end }}
{{- if eq .Values.blobs.plugin "s3" }}
{{- if or (not .Values.blobs.s3.endpoint) (not .Values.blobs.s3.bucket) }}
{{- fail "blobs.plugin=s3 needs blobs.s3.endpoint and blobs.s3.bucket (an existing bucket)" }}
{{- end }}
{{- if and (not .Values.blobs.s3.existingSecret) (or (not .Values.blobs.s3.accessKeyId) (not .Values.blobs.s3.secretAccessKey)) }}
{{- fail "blobs.plugin=s3 needs its keys: blobs.s3.existingSecret (preferred) or blobs.s3.accessKeyId and blobs.s3.secretAccessKey" }}
{{- end }}
{{- end }}
{{- if and (eq $plugin "mysql") (not .Values.externalDatabase.host) }}
{{- fail "storage.plugin=mysql needs externalDatabase.host (and database, user, and password or existingSecret)" }}
{{- end }}
{{- if and (eq $plugin "mysql") (not .Values.externalDatabase.existingSecret) (not .Values.externalDatabase.password) }}
{{- fail "storage.plugin=mysql needs the database password: externalDatabase.existingSecret (preferred) or externalDatabase.password" }}
{{- end }}
{{- if eq .Values.bus.broker "amqp" }}
{{- if not .Values.bus.amqp.url }}
{{- fail "bus.broker=amqp needs bus.amqp.url (amqp://user@host:5672/vhost, no password in it)" }}
{{- end }}
{{- if and (not .Values.bus.amqp.existingSecret) (not .Values.bus.amqp.password) }}
{{- fail "bus.broker=amqp needs the broker's password: bus.amqp.existingSecret (preferred) or bus.amqp.password" }}
{{- end }}
{{- if contains "@" (default "" (regexFind "//[^/]*:[^/@]*@" .Values.bus.amqp.url)) }}
{{- fail "bus.amqp.url must not hold the password (it would land in a ConfigMap): use bus.amqp.existingSecret or bus.amqp.password" }}
{{- end }}
{{- end }}
{{- $cfg := default dict .Values.config }}
{{- if hasKey $cfg "bus" }}
{{- fail "config.bus is set by the chart: use bus.broker and bus.amqp (the password through bus.amqp.existingSecret)" }}
{{- end }}
{{- if or (hasKey (default dict $cfg.server) "drainSeconds") (hasKey (default dict $cfg.server) "drainDelaySeconds") }}
{{- fail "config.server.drainSeconds and drainDelaySeconds are set by the chart: use drain.seconds and drain.delaySeconds (terminationGracePeriodSeconds follows them)" }}
{{- end }}
{{- if hasKey $cfg "blobs" }}
{{- fail "config.blobs is set by the chart: use blobs.plugin and blobs.s3 (keys through blobs.s3.existingSecret)" }}
{{- end }}
{{- if hasKey $cfg "storage" }}
{{- fail "config.storage is set by the chart: use storage.plugin (and externalDatabase for mysql)" }}
{{- end }}
{{- if hasKey (default dict $cfg.server) "backup" }}
{{- fail "config.server.backup is set by the chart: use backup.schedule and backup.keep (backups go to the backup volume at /backups)" }}
{{- end }}
{{- if and (include "obscura.multiReplica" .) (include "obscura.backupEnabled" .) (not .Values.backup.persistence.existingClaim) (not (has "ReadWriteMany" .Values.backup.persistence.accessModes)) }}
{{- fail "scheduled backups with more than one replica need a backup volume every pod can mount (any replica may run a slot's backup): backup.persistence.accessModes [ReadWriteMany], or backup.persistence.existingClaim" }}
{{- end }}
{{- if hasKey (default dict $cfg.server) "dataDir" }}
{{- fail "config.server.dataDir is set by the chart: the data volume is mounted at /data (see persistence)" }}
{{- end }}
{{- $db := default dict $cfg.database }}
{{- if or (hasKey $db "url") (hasKey $db "password") }}
{{- fail "config.database.url and config.database.password are set by the chart: use externalDatabase.{host,port,database,user,existingSecret}" }}
{{- end }}
{{- if hasKey (default dict $cfg.auth) "jwtSecret" }}
{{- fail "config.auth.jwtSecret would land in a ConfigMap: use secrets.jwtSecret or secrets.existingSecret" }}
{{- end }}
{{- $media := default dict $cfg.media }}
{{- if hasKey (default dict $media.smtp) "password" }}
{{- fail "config.media.smtp.password would land in a ConfigMap: use secrets.smtpPassword or secrets.existingSecret" }}
{{- end }}
{{- end }}
