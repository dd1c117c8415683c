FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
# System libraries from the same table as `make demo` (WeasyPrint's Pango, HarfBuzz, fonts).
COPY scripts/provision_system.sh /usr/local/sbin/provision_system.sh
RUN provision_system.sh documents && rm -rf /var/lib/apt/lists/*
# Build from a copy that is removed afterwards: the app runs from the installed package (its
# templates, static files and translations are package data; tests/test_packaging.py).
WORKDIR /src
COPY pyproject.toml setup.cfg README.md ./
COPY core core
COPY spatial spatial
COPY services services
COPY layers layers
COPY web web
COPY scripts scripts
RUN pip install . && rm -rf /src
WORKDIR /
# The app runs as its own user; /cache (a volume) holds downloads and the generated secret key.
RUN useradd --create-home --shell /usr/sbin/nologin partnerstwa \
    && mkdir -p /cache && chown partnerstwa /cache
USER partnerstwa
WORKDIR /home/partnerstwa
EXPOSE 5000
CMD ["sh", "-c", "partnerstwa db init && partnerstwa load reference && exec partnerstwa serve --host 0.0.0.0 --port 5000"]
