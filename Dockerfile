# Production image: official Open Liberty (Java 17, UBI), features and configuration baked in.
# Build first (war + JDBC drivers):  mvn -B package liberty:create -DskipTests
FROM icr.io/appcafe/open-liberty:25.0.0.11-kernel-slim-java17-openj9-ubi-minimal

# Server configuration first, so `features.sh` installs exactly the features server.xml lists.
COPY --chown=1001:0 server.xml /config/server.xml
COPY --chown=1001:0 liberty/db/ /config/db/
COPY --chown=1001:0 liberty/jvm.options /config/jvm.options
RUN features.sh

# JDBC drivers (the shared library the datasource configs point at) and the application.
COPY --chown=1001:0 target/liberty/wlp/usr/servers/billingServer/jdbc/ /config/jdbc/
COPY --chown=1001:0 target/billing-worker.war /config/dropins/billing-worker.war

# Production runs on PostgreSQL, R2 and SMTP; every setting comes from the environment or SECRETS_DIR.
ENV BILLING_DB_KIND=postgresql \
    HTTP_PORT=9080
EXPOSE 9080

RUN configure.sh
