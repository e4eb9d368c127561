# Shared by the deploy/local scripts (sourced, not run). Paths, ports, classpaths.
# shellcheck shell=bash

LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$LOCAL_DIR/../.." && pwd)"
CONF_DIR="$LOCAL_DIR/conf"
# Everything a run creates: pid files, logs, Kafka data, checkpoints, savepoints. `down` keeps it
# (so savepoints survive a restart of the cluster); `down --purge` deletes it.
RUN_DIR="${EVENTFLOW_RUN_DIR:-$LOCAL_DIR/run}"
RUN_CONF_DIR="$RUN_DIR/conf"
LOG_DIR="$RUN_DIR/log"
PID_DIR="$RUN_DIR/pids"
# Flink looks for plugins (file systems, metric reporters) here; none are needed locally (the
# Prometheus reporter is on the classpath, see pom.xml).
export FLINK_PLUGINS_DIR="$RUN_DIR/plugins"

# Must match conf/config.yaml and conf/kafka-server.properties.
KAFKA_PORT=19092
KAFKA_CONTROLLER_PORT=19093
BOOTSTRAP_SERVERS="localhost:$KAFKA_PORT"
FLINK_REST_PORT=18081
FLINK_RPC_PORT=16123
FLINK_BLOB_PORT=16124
# The Prometheus reporters of the JobManager and the TaskManagers (conf/config.yaml).
FLINK_METRICS_PORTS=19249-19258

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
MVN="${MVN:-mvn}"

die() {
    echo "error: $*" >&2
    exit 1
}

# The classpath of one profile of deploy/local/pom.xml (flink | kafka), resolved once with Maven
# and cached in deploy/local/target/<profile>.classpath (rebuilt when the POMs change).
classpath() {
    local profile="$1" file="$LOCAL_DIR/target/$1.classpath"
    if [[ ! -s "$file" || "$LOCAL_DIR/pom.xml" -nt "$file" || "$REPO_DIR/pom.xml" -nt "$file" ]]; then
        echo "resolving the $profile classpath with Maven (first time only) ..." >&2
        "$MVN" -B -q -f "$LOCAL_DIR/pom.xml" -P "$profile" dependency:build-classpath >&2 ||
            die "could not resolve the $profile classpath (run once with network access)"
    fi
    cat "$file"
}

# Java 17 module openings, from config.yaml's env.java.opts.all (one source of truth).
flink_jvm_opens() {
    sed -n 's/^env\.java\.opts\.all: *//p' "$CONF_DIR/config.yaml"
}

# True if something listens on localhost:$1.
port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The pid in $PID_DIR/$1.pid if that process is alive.
running_pid() {
    local f="$PID_DIR/$1.pid"
    [[ -f "$f" ]] || return 1
    local pid
    pid="$(cat "$f")"
    kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# Waits up to $2 seconds for $1 (a command) to succeed.
wait_for() {
    local what="$1" seconds="$2" i
    for ((i = 0; i < seconds * 2; i++)); do
        if eval "$what"; then return 0; fi
        sleep 0.5
    done
    return 1
}

# Runs one of Kafka's own CLI tool classes with the broker's classpath.
kafka_tool() {
    local main="$1"
    shift
    exec "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$CONF_DIR/kafka-tools-log4j2.properties" \
        -cp "$(classpath kafka)" "$main" "$@"
}

# PostgreSQL and Redis for a manual run of the external-store features (deploy/local/postgres,
# deploy/local/redis; `up --with-postgres --with-redis`), from Debian's packages.
POSTGRES_PORT=15432
POSTGRES_USER=eventflow
POSTGRES_DIR="$RUN_DIR/postgres"
POSTGRES_PASSWORD_FILE="$RUN_DIR/conf/postgres.password"
REDIS_PORT=16379
REDIS_DIR="$RUN_DIR/redis"
