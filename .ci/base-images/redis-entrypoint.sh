#!/bin/sh
# The official redis image's start-up, cut down: listen on every interface of the container
# network without protected mode (the network is private to the stack; nothing publishes 6379),
# then drop to user redis.
set -eu
if [ "${1:-}" = redis-server ]; then
    shift
    set -- redis-server --bind 0.0.0.0 --protected-mode no --dir /data "$@"
fi
if [ "$(id -u)" = 0 ]; then
    exec setpriv --reuid=redis --regid=redis --init-groups "$@"
fi
exec "$@"
