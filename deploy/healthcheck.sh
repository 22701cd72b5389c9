#!/bin/bash
# chargepoint-healthcheck [HOST:PORT] [PATH]
#
# The image's HEALTHCHECK: exits 0 when `GET PATH` (default /healthz) on HOST:PORT answers
# HTTP 200, 1 otherwise. HOST:PORT defaults to $CP_HTTP, the address `chargepoint serve` listens on,
# so the probe follows a changed CP_HTTP; a wildcard host (0.0.0.0, [::]) is probed on loopback.
# `chargepoint csms` answers /healthz on its --http port: `chargepoint-healthcheck 127.0.0.1:9001`.
#
# Written for bash's /dev/tcp so that the slim runtime image needs no curl or wget: bash is an
# Essential package in Debian, present in every image. Plain HTTP/1.0 on loopback is all it speaks.
set -u

address=${1:-${CP_HTTP:-127.0.0.1:8080}}
path=${2:-/healthz}

port=${address##*:}
host=${address%:*}
host=${host#[}
host=${host%]}
case $host in
    '' | 0.0.0.0 | '*') host=127.0.0.1 ;;
    :: | ::0) host=::1 ;;
esac
if [[ ! $port =~ ^[0-9]+$ ]]; then
    echo "chargepoint-healthcheck: '$address' is not HOST:PORT" >&2
    exit 1
fi

if ! exec 3<>"/dev/tcp/$host/$port"; then
    echo "chargepoint-healthcheck: cannot connect to $host:$port" >&2
    exit 1
fi
printf 'GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n' "$path" "$host" >&3
if ! IFS=' ' read -r -t 5 version status _ <&3; then
    echo "chargepoint-healthcheck: no answer from $host:$port$path" >&2
    exit 1
fi
exec 3<&-
if [[ $status != 200 ]]; then
    echo "chargepoint-healthcheck: $host:$port$path answered ${version%$'\r'} ${status%$'\r'}" >&2
    exit 1
fi
exit 0
