#!/bin/sh
# `make docker-check`: build the image and run it once (migrate, serve, the image's health check
# and the probe), and check compose.yaml with `docker compose config`. Where no Docker daemon
# answers, it says so and exits 0: afterclass/core/tests/test_deployment_files.py lints the files.
set -eu
cd "$(dirname "$0")/.."

if ! docker info >/dev/null 2>&1; then
    echo "docker-check skipped: no Docker daemon answers here (docker info failed)."
    echo "The Dockerfile and compose.yaml are linted by afterclass/core/tests/test_deployment_files.py."
    exit 0
fi

tag=afterclass:docker-check
name="afterclass-docker-check-$$"
docker build --tag "$tag" .
trap 'docker rm --force "$name" >/dev/null 2>&1 || true' EXIT INT TERM

# The embedded database inside the container: enough to see the image start and answer.
secret=$(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')
docker run --detach --name "$name" \
    --env SECRET_KEY="$secret" --env ALLOWED_HOSTS=localhost --env AFTERCLASS_SSL_REDIRECT=0 \
    "$tag" sh -c 'afterclass migrate --noinput && exec afterclass serve --host 0.0.0.0'

status=starting
for _ in $(seq 1 60); do
    status=$(docker inspect --format '{{.State.Health.Status}}' "$name")
    [ "$status" = healthy ] && break
    [ "$(docker inspect --format '{{.State.Running}}' "$name")" = true ] || break
    sleep 3
done
if [ "$status" != healthy ]; then
    echo "docker-check FAILED: the container is $status"; docker logs "$name" | tail -50; exit 1
fi
docker exec "$name" python -m afterclass.core.probe
docker exec "$name" id -u | grep -qv '^0$' || { echo "docker-check FAILED: runs as root"; exit 1; }

cp deploy/afterclass.env.example afterclass.env.docker-check
trap 'docker rm --force "$name" >/dev/null 2>&1 || true; rm -f afterclass.env.docker-check' EXIT INT TERM
sed 's/env_file: afterclass.env/env_file: afterclass.env.docker-check/' compose.yaml \
    | docker compose --file - --project-directory . config --quiet
echo "docker-check passed: the image builds, runs as a user, migrates, serves and is healthy."
