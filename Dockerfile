# fedinet: one container, one process, data in the /data volume. See docs/install.md.
#
#   docker build -t fedinet .
#   docker run -d --name fedinet -p 127.0.0.1:8080:8080 -v fedinet-data:/data \
#       -e FEDINET_BASE_URL=https://social.example fedinet
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# Dependencies first, in their own layer: read from pyproject.toml, so code changes
# do not reinstall them.
WORKDIR /src
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The package itself (.dockerignore keeps out the virtualenv, git, tests and data).
COPY . ./
RUN pip install . \
    && install -m 0755 docker/entrypoint.sh /usr/local/bin/fedinet-entrypoint \
    && cd / && rm -rf /src

# An unprivileged user owning the data directory.
RUN groupadd --system --gid 1000 fedinet \
    && useradd --system --uid 1000 --gid fedinet --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin fedinet \
    && mkdir /data \
    && chown fedinet:fedinet /data

# FEDINET_PORT is pinned so the listen port does not follow the port in FEDINET_BASE_URL.
ENV FEDINET_DATA_DIR=/data \
    FEDINET_HOST=0.0.0.0 \
    FEDINET_PORT=8080

USER fedinet
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080

# NodeInfo answers only when the server is up and its database is reachable.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/nodeinfo/2.1' % os.environ.get('FEDINET_PORT', '8080'), timeout=4)"]

ENTRYPOINT ["fedinet-entrypoint"]
CMD ["serve"]
