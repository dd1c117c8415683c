FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
COPY pyproject.toml setup.cfg README.md ./
COPY spatial spatial
COPY services services
COPY layers layers
COPY web web
COPY scripts scripts
RUN pip install .
EXPOSE 5000
CMD ["sh", "-c", "partnerstwa db init && partnerstwa load reference && exec partnerstwa serve --host 0.0.0.0 --port 5000"]
