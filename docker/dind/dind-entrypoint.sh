#!/bin/sh
# Starts dockerd on tcp:2376 with TLS verification of clients (the certificates were put in before start).
set -eu
for f in ca.pem cert.pem key.pem; do
  [ -r "/certs/$f" ] || { echo "dind: /certs/$f is missing (put in by firedrill before start)" >&2; exit 2; }
done
exec dockerd \
  --host=unix:///var/run/docker.sock \
  --host=tcp://0.0.0.0:2376 \
  --tlsverify \
  --tlscacert=/certs/ca.pem \
  --tlscert=/certs/cert.pem \
  --tlskey=/certs/key.pem \
  "$@"
