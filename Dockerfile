# Front Door's production image: gunicorn serving the app, for compose.yaml or any container
# platform. Not built on the machine this was written on (it has no Docker engine); see
# docs/deploy.md for what was and was not tested.
#
#   docker build -t frontdoor .
#
# Stage 1 builds the browser assets (GOV.UK and MOJ Frontend, the council's font stack) with
# Node; stage 2 is a slim Python with the hash-pinned production lock, run as a non-root user.

# -- 1: front-end assets ------------------------------------------------------------------
FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --omit=optional --ignore-scripts --no-audit --no-fund --loglevel=error
COPY web/assets web/assets
RUN npm run build

# -- 2: the app ---------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    FRONTDOOR_ENV=production \
    FRONTDOOR_BIND=0.0.0.0:8000

# pg_dump/pg_restore for `frontdoor backup` and `restore`, of the server's major version (15).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client-15 \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 frontdoor \
    && useradd --system --uid 10001 --gid frontdoor --home-dir /app --no-create-home frontdoor

WORKDIR /app
COPY requirements/production.txt requirements/production.txt
RUN pip install --require-hashes -r requirements/production.txt

# The code runs from /app (it finds config/, migrations/ and alembic.ini beside it), so it is
# not pip-installed; `frontdoor` is a two-line wrapper around `python -m web.cli`.
COPY pyproject.toml alembic.ini ./
COPY config config
COPY migrations migrations
COPY workflow workflow
COPY thresholds thresholds
COPY reporting reporting
COPY web web
COPY --from=assets /src/web/static/build web/static/build
COPY deploy/entrypoint.sh /usr/local/bin/frontdoor-entrypoint
RUN printf '#!/bin/sh\nexec python -m web.cli "$@"\n' > /usr/local/bin/frontdoor \
    && chmod 0755 /usr/local/bin/frontdoor /usr/local/bin/frontdoor-entrypoint \
    && mkdir -p /app/instance /backups \
    && chown frontdoor:frontdoor /app/instance /backups

USER frontdoor
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)" || exit 1
ENTRYPOINT ["frontdoor-entrypoint"]
CMD ["gunicorn", "-c", "config/gunicorn.conf.py", "web.app:create_app()"]
