# One image recipe for every service: `docker build --build-arg SERVICE=reviews -f deploy/service.Dockerfile .`
FROM python:3.11-slim AS base
ARG SERVICE
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 SERVICE=${SERVICE}
WORKDIR /app
COPY contracts/ contracts/
COPY libs/servicekit/ libs/servicekit/
COPY services/${SERVICE}/ services/${SERVICE}/
COPY config/ config/
RUN pip install --no-cache-dir ./contracts ./libs/servicekit ./services/${SERVICE} \
 && useradd --system --uid 10001 app
USER app
ENV TENANTS_DIR=/app/config/tenants HOST=0.0.0.0 HEALTH_PATH=/healthz
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}{os.environ[\"HEALTH_PATH\"]}', timeout=2)"
CMD ["sh", "-c", "exec python -m ${SERVICE}"]
