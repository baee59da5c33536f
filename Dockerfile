# NOT VERIFIED: docker could not be run where this project was written. Review before use.
# One replica of the dashboard: read-only app code, a read-only warehouse mounted at /data/warehouse.duckdb.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DASHBOARD_WAREHOUSE=/data/warehouse.duckdb \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
# chromium: kaleido renders PNG/SVG chart downloads with it, in the fonts the charts are measured in (as run.py).
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-liberation curl \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Runtime dependencies only (pyproject.toml's [project] dependencies; no [test] tools), in their own layer. The
# project is installed editable, as run.py does: the app runs from /app, copied below.
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e .
COPY dashboard.py serve.py ./
COPY .streamlit/config.toml .streamlit/config.toml
COPY govdata govdata
COPY ui ui
COPY app_pages app_pages
COPY etl etl
COPY data/reference data/reference
RUN useradd --system --uid 10001 dashboard
USER dashboard
EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s CMD curl -fsS http://127.0.0.1:8501/_stcore/health || exit 1
# Behind a TLS-terminating load balancer; bind all interfaces inside the container only.
CMD ["python", "-m", "streamlit", "run", "serve.py", "--server.address=0.0.0.0", "--server.port=8501", \
     "--server.headless=true", "--server.fileWatcherType=none"]
