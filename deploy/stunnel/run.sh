#!/bin/sh
# The Redis TLS sidecar's entry point: renders redis-client.conf's ${VAR}s from the environment
# (stunnel itself does not expand them) into a private file, then runs stunnel in the foreground.
#
#   REDIS_TLS_HOST=redis.example.com REDIS_TLS_PORT=6379 STUNNEL_ACCEPT=127.0.0.1:6380 \
#   STUNNEL_CA_FILE=/etc/ssl/certs/ca-certificates.crt deploy/stunnel/run.sh
#
# STUNNEL (default: stunnel) and STUNNEL_TEMPLATE (default: redis-client.conf beside this script)
# override the program and the template.
set -eu
: "${REDIS_TLS_HOST:?set REDIS_TLS_HOST, the managed Redis's host name}"
: "${REDIS_TLS_PORT:=6379}"
: "${STUNNEL_ACCEPT:=127.0.0.1:6380}"
: "${STUNNEL_CA_FILE:=/etc/ssl/certs/ca-certificates.crt}"
template=${STUNNEL_TEMPLATE:-$(dirname "$0")/redis-client.conf}
for value in "$REDIS_TLS_HOST" "$REDIS_TLS_PORT" "$STUNNEL_ACCEPT" "$STUNNEL_CA_FILE"; do
  case $value in *[\|\&\\]* | *'
'*) echo "run.sh: '$value' has a character a stunnel setting cannot hold" >&2; exit 2 ;; esac
done
[ -r "$STUNNEL_CA_FILE" ] || { echo "run.sh: cannot read the CA bundle $STUNNEL_CA_FILE (STUNNEL_CA_FILE)" >&2; exit 2; }
umask 077
conf=$(mktemp "${TMPDIR:-/tmp}/stunnel-redis.XXXXXX")
sed -e "s|\${REDIS_TLS_HOST}|$REDIS_TLS_HOST|g" \
    -e "s|\${REDIS_TLS_PORT}|$REDIS_TLS_PORT|g" \
    -e "s|\${STUNNEL_ACCEPT}|$STUNNEL_ACCEPT|g" \
    -e "s|\${STUNNEL_CA_FILE}|$STUNNEL_CA_FILE|g" "$template" >"$conf"
exec "${STUNNEL:-stunnel}" "$conf"
