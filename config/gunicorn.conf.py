"""gunicorn for Front Door: ``gunicorn -c config/gunicorn.conf.py 'web.app:create_app()'``.

Every value an operator may change is a FRONTDOOR_* environment variable, checked here in
the master before any worker starts: a bad value (or a production start without the secret
key) stops gunicorn with one sentence naming the variable, instead of every worker failing.

| variable | default | why |
|---|---|---|
| FRONTDOOR_BIND | 127.0.0.1:8000 | the container sets 0.0.0.0:8000; only the proxy reaches it |
| FRONTDOOR_WORKERS | 2 | processes; about 120 MB each. 2 x cores is a fair ceiling |
| FRONTDOOR_THREADS | 4 | threads per worker (gthread), so one slow page holds no worker |
| FRONTDOOR_TIMEOUT | 120 | seconds before a silent worker is restarted; exports (Annex A, |
|  |  | the CIN census) run inside a request and need well over the 30 s default |
| FRONTDOOR_FORWARDED_ALLOW_IPS | 127.0.0.1,::1 | addresses whose X-Forwarded-Proto gunicorn |
|  |  | believes; in compose the proxy's address is not fixed, so "*" with the app's port |
|  |  | published to nobody but the proxy |

The app's own proxy trust (``FRONTDOOR_PROXY_COUNT``, ProxyFix) is separate and is the one
that decides X-Forwarded-For/Host; see docs/deploy.md.
"""

from __future__ import annotations

import os
import sys

from web.gunicorn_logs import JsonLogger, TextLogger
from web.settings import SettingsError, env_integer, load_settings

try:
    _settings = load_settings()
    workers = env_integer("FRONTDOOR_WORKERS", 2, 1, 64)
    threads = env_integer("FRONTDOOR_THREADS", 4, 1, 64)
    timeout = env_integer("FRONTDOOR_TIMEOUT", 120, 10, 3600)
except SettingsError as error:
    sys.exit(f"Front Door will not start: {error}")

bind = [os.environ.get("FRONTDOOR_BIND", "127.0.0.1:8000")]
worker_class = "gthread"
graceful_timeout = 30
keepalive = 5  # behind a proxy that keeps connections open
forwarded_allow_ips = os.environ.get("FRONTDOOR_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Restart each worker after a while, so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
proc_name = "frontdoor"
accesslog = "-"
errorlog = "-"
loglevel = _settings.log_level.lower()
logger_class = JsonLogger if _settings.log_format == "json" else TextLogger
# Heartbeat files on tmpfs where there is one (a container's /tmp may be a slow overlay).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - gunicorn docs
# gunicorn's control socket (``gunicornc``) is not used; off, so two servers on one machine
# never fight over $HOME/.gunicorn/gunicorn.ctl and the container needs no writable home.
control_socket_disable = True
