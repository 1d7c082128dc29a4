# Production image: official Open Liberty (Java 17, UBI), features and configuration baked in.
# Build first (war + JDBC drivers):  mvn -B package liberty:create -DskipTests
# then:                              docker build -t billing-worker .
FROM icr.io/appcafe/open-liberty:25.0.0.11-kernel-slim-java17-openj9-ubi-minimal

# Production runs on PostgreSQL, R2 and SMTP; every other setting comes from the environment or
# from SECRETS_DIR (mount the Kubernetes secret there; a file there wins over the environment).
# ENV values are defaults only: `docker run -e` / the pod spec replaces them.
ENV BILLING_DB_KIND=postgresql \
    HTTP_PORT=9080 \
    SECRETS_DIR=/run/secrets/billing-worker

# Server configuration and JDBC drivers first, so `features.sh` installs exactly what server.xml lists.
# Copied file by file on purpose: liberty/configDropins/ holds the local-run webhook secret and
# must never reach the image. server.env carries no setting, only the start-up step that reads
# the server-level settings (HTTP_PORT, BILLING_DB_*, RENDER_CONCURRENCY) from SECRETS_DIR.
COPY --chown=1001:0 server.xml /config/server.xml
COPY --chown=1001:0 liberty/server.env /config/server.env
COPY --chown=1001:0 liberty/db/ /config/db/
COPY --chown=1001:0 liberty/legacy/ /config/legacy/
COPY --chown=1001:0 liberty/tasks/ /config/tasks/
COPY --chown=1001:0 liberty/jvm.options /config/jvm.options
COPY --chown=1001:0 target/liberty/wlp/usr/servers/billingServer/jdbc/ /config/jdbc/
RUN features.sh

COPY --chown=1001:0 target/billing-worker.war /config/dropins/billing-worker.war

EXPOSE 9080
RUN configure.sh
