#!/bin/sh
# Makes the three secret files compose.yaml reads, once. The folder is mode 700, so no other
# user of the host can reach them; the files are 644 because compose bind-mounts each file
# into the containers with its host owner and mode, and the app runs as uid 10001, not root.
#   secrets/db_password   PostgreSQL's password for the frontdoor role
#   secrets/database_url  the app's URL of that database (with the same password)
#   secrets/secret_key    the key that signs sessions and forms (shared by every worker)
# Refuses to overwrite existing files: a new secret_key signs everyone out, and a new
# db_password no longer matches the database already initialised with the old one.
set -eu
cd "$(dirname "$0")/.."
mkdir -p secrets
chmod 700 secrets
umask 022
for f in db_password database_url secret_key; do
  if [ -e "secrets/$f" ]; then
    echo "secrets/$f exists; not changed. Delete it first to make a new one." >&2
    exit 1
  fi
done
password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf '%s' "$password" > secrets/db_password
printf 'postgresql+psycopg://frontdoor:%s@db:5432/frontdoor' "$password" > secrets/database_url
od -An -N32 -tx1 /dev/urandom | tr -d ' \n' > secrets/secret_key
echo "Wrote secrets/db_password, secrets/database_url and secrets/secret_key (folder mode 700)."
