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

# ---- Flink processes (deploy/local/up, deploy/local/taskmanager) ----
# Prints two lines prefixed BASH_JAVA_UTILS_EXEC_RESULT: the JVM flags, then the -D settings.
resource_params() {
    "$JAVA" -cp "$FLINK_CP" -Dlog4j.configurationFile="$CONF_DIR/log4j-cli.properties" \
        -Dlog.file="$LOG_DIR/bash-java-utils.log" \
        org.apache.flink.runtime.util.bash.BashJavaUtils "$1" --configDir "$RUN_CONF_DIR" |
        sed -n 's/^BASH_JAVA_UTILS_EXEC_RESULT://p'
}
# Starts one Flink process in the background (pid in $PID_DIR/<name>.pid, log
# $LOG_DIR/flink-<name>.log), with the memory flags a distribution's scripts compute:
#   start_flink_process jobmanager|taskmanager-<n> <main class> GET_JM_RESOURCE_PARAMS|GET_TM_RESOURCE_PARAMS
start_flink_process() {
    local name="$1" main="$2" params jvm dynamic
    FLINK_CP="${FLINK_CP:-$(classpath flink)}"
    params="$(resource_params "$3")"
    jvm="$(sed -n 1p <<<"$params")"
    dynamic="$(sed -n 2p <<<"$params")"
    [[ -n "$jvm" ]] || die "could not compute the $name memory settings from $RUN_CONF_DIR/config.yaml"
    # shellcheck disable=SC2086,SC2046 # the flags are lists of words
    nohup "$JAVA" $jvm $(flink_jvm_opens) \
        -Dlog.file="$LOG_DIR/flink-$name.log" \
        -Dlog4j.configurationFile="$RUN_CONF_DIR/log4j.properties" \
        -cp "$FLINK_CP" "$main" --configDir "$RUN_CONF_DIR" $dynamic \
        >"$LOG_DIR/flink-$name.out" 2>&1 &
    echo $! >"$PID_DIR/$name.pid"
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
