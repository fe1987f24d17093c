# Your ronda.yml and scenarios as an image, so a configuration has a tag, deploys and rolls back
# like code. The Kubernetes Deployments copy it into /app/config with an init container.
#   docker build -f deploy/kubernetes/config.Dockerfile -t registry.example.com/ronda-config:2026-12-06 CONFIG_DIR
FROM busybox:1.36
COPY . /config/
