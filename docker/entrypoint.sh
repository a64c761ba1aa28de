#!/bin/sh
# Container entrypoint for fedinet (see docs/install.md, "Docker").
#
# The arguments are a fedinet command; the default is `serve`. Before `serve`, an instance
# is created with `fedinet init` if the data directory has no fedinet.toml yet. init reads
# FEDINET_BASE_URL, FEDINET_DATABASE_URL and FEDINET_REGISTRATION_MODE itself; the first
# admin comes from FEDINET_ADMIN_USERNAME (default admin) and FEDINET_ADMIN_PASSWORD
# (default: a random password, printed once to the container log).
set -eu

: "${FEDINET_DATA_DIR:=/data}"
export FEDINET_DATA_DIR

if [ "$#" -eq 0 ]; then
    set -- serve
elif [ "$1" = "fedinet" ]; then
    shift  # `docker run IMAGE fedinet user list` works like `docker run IMAGE user list`
    [ "$#" -gt 0 ] || set -- serve
fi

if [ "$1" = "serve" ] && [ ! -f "$FEDINET_DATA_DIR/fedinet.toml" ]; then
    echo "fedinet: $FEDINET_DATA_DIR/fedinet.toml not found; creating the instance with fedinet init" >&2
    admin="${FEDINET_ADMIN_USERNAME:-admin}"
    if [ -n "${FEDINET_ADMIN_PASSWORD:-}" ]; then
        # --json to /dev/null: keep the chosen password out of the container log
        fedinet init --admin-username "$admin" --admin-password "$FEDINET_ADMIN_PASSWORD" --json >/dev/null
        echo "fedinet: instance created; admin $admin, password from FEDINET_ADMIN_PASSWORD" >&2
    else
        fedinet init --admin-username "$admin"
    fi
fi
unset FEDINET_ADMIN_PASSWORD 2>/dev/null || true

exec fedinet "$@"
