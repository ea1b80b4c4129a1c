#!/bin/sh
# Container entrypoint: FRONTDOOR_<NAME>_FILE=/run/secrets/x sets FRONTDOOR_<NAME> from that
# file (Docker and compose secrets), so secrets never sit in the image or in `docker inspect`.
# Then runs the command (gunicorn by default, or `frontdoor ...`).
set -eu
for name in FRONTDOOR_SECRET_KEY FRONTDOOR_DATABASE_URL; do
  file_var="${name}_FILE"
  eval "file=\${$file_var:-}"
  if [ -n "$file" ]; then
    if [ ! -r "$file" ]; then
      echo "Front Door will not start: $file_var names $file, which cannot be read." >&2
      exit 1
    fi
    value=$(cat "$file")
    export "$name=$value"
    unset "$file_var"
  fi
done
exec "$@"
