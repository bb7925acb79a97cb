FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY bot ./bot
COPY migrations ./migrations
RUN pip install . && useradd --create-home --uid 10001 hostiran && mkdir /data && chown hostiran /data

USER hostiran
ENV DATABASE_URL=sqlite+aiosqlite:////data/hostiran-bot.sqlite3
VOLUME ["/data"]
ENTRYPOINT ["hostiran-bot"]
CMD ["run"]
