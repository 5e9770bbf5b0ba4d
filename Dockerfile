# careerpath's production image (docs/deploy.md, "With containers"): gunicorn serving the app, with
# the static files collected and compressed at build time (whitenoise serves them), run as a
# non-root user. No secret is baked in: every setting comes from the environment when it runs.
#
# BASE is any Debian-based image whose `python` and `pip` on PATH are Python 3.11+: python:3.12-slim
# by default; .ci/image-test passes a locally built stand-in on machines that reach no registry.
ARG BASE=python:3.12-slim

# --- build: a wheel for every pinned requirement (this stage never reaches the runtime image) -----
FROM ${BASE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
COPY requirements.txt /wheels/requirements.txt
RUN --mount=type=cache,target=/root/.cache/pip \
    pip wheel --quiet --wheel-dir /wheels -r /wheels/requirements.txt

# --- runtime ------------------------------------------------------------------------------------
FROM ${BASE}
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_DEBUG=0
RUN useradd --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin careerpath

# Requirements in their own layer, from the build stage's wheels (mounted, not copied, so they
# weigh nothing here): a change to the code alone rebuilds from the COPY below, in seconds.
RUN --mount=type=bind,from=build,source=/wheels,target=/wheels \
    pip install --quiet --no-index --find-links /wheels -r /wheels/requirements.txt

# The code, owned by root and read-only to the app's user (.dockerignore keeps tests, docs,
# benchmarks, virtualenvs and local databases out).
WORKDIR /app
COPY . .
# collectstatic needs settings that load: a throwaway key that exists only during this RUN.
RUN DJANGO_SECRET_KEY=collectstatic-at-build-time-only python manage.py collectstatic --noinput -v0 \
    && python -m compileall -q -j0 . \
    && chmod 0755 container/entrypoint

# the careerpath user, by number so that an orchestrator can check it is not root (runAsNonRoot)
USER 10001:10001
EXPOSE 8000
# Liveness only (/healthz touches neither the database nor the cache); compose.yaml probes /readyz.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "container/healthcheck.py", "/healthz"]
ENTRYPOINT ["/app/container/entrypoint"]
CMD ["gunicorn"]
