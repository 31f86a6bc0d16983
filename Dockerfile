# Afterclass in a container: the same `afterclass serve` and `afterclass worker` as on a server
# (docs/DEPLOYMENT.md, "Containers"). `docker build -t afterclass .`; compose.yaml runs it with
# PostgreSQL and Redis. Configuration is the environment (docs/OPERATIONS.md, the reference).
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    AFTERCLASS_DATA_DIR=/var/lib/afterclass \
    AFTERCLASS_MEDIA_DIR=/var/lib/afterclass/media \
    LOG_FORMAT=json \
    PORT=8000

# pg_dump and pg_restore, for `afterclass backup` and `afterclass restore` on PostgreSQL.
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /opt/afterclass
COPY pyproject.toml README.md ./
COPY afterclass ./afterclass
RUN pip install ".[sentry]" \
    && useradd --system --uid 10001 --user-group --home-dir /var/lib/afterclass afterclass \
    && mkdir -p /var/lib/afterclass/media \
    && chown -R afterclass:afterclass /var/lib/afterclass

# Never root: the data folder (collected static files; uploads unless AFTERCLASS_S3_BUCKET is
# set) is the only place it writes.
USER afterclass
WORKDIR /var/lib/afterclass
VOLUME ["/var/lib/afterclass/media"]
EXPOSE 8000

# Liveness only (/healthz touches nothing); a load balancer should ask /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-m", "afterclass.core.probe"]

# Production mode: needs SECRET_KEY and ALLOWED_HOSTS. The worker runs as its own container
# (compose.yaml: `afterclass serve --no-worker` and `afterclass worker`); run alone, this
# command supervises one worker itself.
CMD ["afterclass", "serve", "--host", "0.0.0.0"]
