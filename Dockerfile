# Production image: one image for web, worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 VAR_DIR=/app/var
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends gettext fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml constraints.txt ./
COPY config ./config
COPY core ./core
COPY accounts ./accounts
COPY branches ./branches
COPY members ./members
COPY activities ./activities
COPY inspections ./inspections
RUN pip install -c constraints.txt .
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /app partylife && mkdir -p /app/var/media && chown -R partylife /app/var
USER partylife
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
