# A small image that runs the bot as a non-root user, with its data on a volume.
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY migrations ./migrations
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \
    && useradd --create-home --uid 10001 hostiran && mkdir /data && chown hostiran /data
USER hostiran
WORKDIR /home/hostiran
ENV DATABASE_URL=sqlite+aiosqlite:////data/hostiran-bot.sqlite3
VOLUME ["/data"]
# The bot refreshes a heartbeat file every 30 seconds; `health` fails after 90 seconds without one.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["hostiran-bot", "health"]
ENTRYPOINT ["hostiran-bot"]
CMD ["run"]
