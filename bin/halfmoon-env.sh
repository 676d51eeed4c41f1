# Sourced by the bin/halfmoon-* scripts: finds the jars in both layouts.
#   distribution (halfmoon-<version>.tar.gz): bin/ conf/ lib/
#   source tree after `mvn -B -q package -DskipTests`: <module>/target/<jar> and <module>/target/lib/
# Usage: halfmoon_classpath <script-name> <module> <jar-name>; sets HALFMOON_CP or exits 2.
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

halfmoon_classpath() {
  local script="$1" module="$2" jar="$3"
  halfmoon_check_java "$script"
  if [ -d "$home/lib" ]; then
    HALFMOON_CP="$home/lib/*"
    HALFMOON_NATIVE="$home/lib/native"
    return
  fi
  HALFMOON_NATIVE="$home/broker/target/native"
  if [ ! -f "$home/$module/target/$jar" ]; then
    echo "$script: $home/$module/target/$jar is missing; build first with: mvn -B -q package -DskipTests" >&2
    exit 2
  fi
  HALFMOON_CP="$home/$module/target/$jar:$home/$module/target/lib/*"
}

# Halfmoon needs Java 17 or later; an older java would fail with UnsupportedClassVersionError. The version is read
# from the JDK's release file beside bin/java (starting a JVM to ask would cost every start tens of ms); without
# that file nothing is checked. Usage: halfmoon_check_java <script-name>; exits 2 when java is missing or too old.
halfmoon_check_java() {
  local java release major
  java="$(command -v java || true)"
  if [ -z "$java" ]; then
    echo "$1: no java on PATH; Halfmoon needs Java 17 or later" >&2
    exit 2
  fi
  release="$(dirname "$(dirname "$(readlink -f "$java")")")/release"
  [ -r "$release" ] || return 0
  major="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release")"
  if [ -n "$major" ] && [ "$major" -lt 17 ]; then
    echo "$1: $java is Java $(sed -n 's/^JAVA_VERSION="\(.*\)"/\1/p' "$release"); Halfmoon needs Java 17 or later (put one first on PATH)" >&2
    exit 2
  fi
}

# JVM options for the servers: RocksDB's and Netty's native libraries from lib/native (no extraction to /tmp),
# and a class-data-sharing archive of Halfmoon's classes (AppCDS) that makes later starts faster. A start writes
# the archive when its JVM exits, in $HALFMOON_CACHE_DIR (default ~/.cache/halfmoon), keyed by the jars' sizes
# and modification times, so a new build makes a new one. The archive is used only if that run got as far as
# serving (it leaves <archive>.served): one written by --help or a bad command line holds too few classes.
# Usage: halfmoon_jvm_opts <name> "$@"; sets the array HALFMOON_JVM_OPTS (paths may hold spaces).
halfmoon_jvm_opts() {
  local name="$1" key cache arg part
  shift
  local -a parts files=()
  IFS=: read -ra parts <<< "$HALFMOON_CP"
  for part in "${parts[@]}"; do
    if [[ "$part" == */\* ]]; then files+=("${part%\*}"*); else files+=("$part"); fi
  done
  key=$(stat -c '%n %s %.9Y' "${files[@]}" 2>/dev/null | cksum | cut -d' ' -f1)
  # (no HOME and no HALFMOON_CACHE_DIR: no archive, rather than one in a directory others can write to)
  cache="${HALFMOON_CACHE_DIR:-${HOME:+$HOME/.cache/halfmoon}}"
  # -XX:CompileThresholdScaling=5: methods are compiled after 5x the usual calls. A start runs much code a few
  # hundred times (class set-up, parsing, registration) that the JIT would compile for nothing on the cores the
  # start needs: launch to routable 0.91 -> 0.65 s (median of 10, alternated) on 2 cores; code that a broker
  # runs all day crosses 5x the threshold within its first seconds of traffic.
  HALFMOON_JVM_OPTS=(-XX:CompileThresholdScaling=5 "-Djava.library.path=$HALFMOON_NATIVE" -Xlog:cds=off -Xlog:cds+dynamic=off)
  # the JVM maps an archive's classes into the process: only one in a directory of this user's own is used
  if [ "${HALFMOON_CDS:-on}" = "on" ] && [ -n "$cache" ] && mkdir -p "$cache" 2>/dev/null && [ -O "$cache" ] && [ -w "$cache" ]; then
    local archive="$cache/$name-$key.jsa"
    if [ -f "$archive" ] && [ -f "$archive.served" ]; then
      HALFMOON_JVM_OPTS+=("-XX:SharedArchiveFile=$archive")
    else
      for arg in "$@"; do # these answer at once: writing an archive would only slow them down
        case "$arg" in -h|--help|-V|--version|--help-settings) return 0 ;; esac
      done
      rm -f "$cache/$name"-*.jsa "$cache/$name"-*.jsa.served
      HALFMOON_JVM_OPTS+=("-XX:ArchiveClassesAtExit=$archive" "-Dhalfmoon.cds.served=$archive.served")
    fi
  fi
}

# RocksDB's loader asks whether the C library is musl by running `sh -c "ldd ... | grep musl"` (tens of ms of
# every start) unless ROCKSDB_MUSL_LIBC says; musl systems have /lib/ld-musl-*, so answer from that.
if [ -z "${ROCKSDB_MUSL_LIBC:-}" ]; then
  if compgen -G "/lib/ld-musl-*" >/dev/null; then export ROCKSDB_MUSL_LIBC=true; else export ROCKSDB_MUSL_LIBC=false; fi
fi

# Server logs: conf/logback.xml writes to the console and to $HALFMOON_LOG_DIR/<name>.log (rolled daily and at 100 MB).
# Sets the array HALFMOON_LOG_OPTS; the scripts put HALFMOON_OPTS after it, so an operator's own options win.
halfmoon_log_opts() {
  # slf4j.provider names logback, sparing each start SLF4J's search of every jar for a provider; SLF4J's own
  # notes then only on errors (it would say at each start that it loads the provider it was told to)
  HALFMOON_LOG_OPTS=("-Dslf4j.provider=ch.qos.logback.classic.spi.LogbackServiceProvider" "-Dslf4j.internal.verbosity=ERROR"
    "-Dhalfmoon.home=$home" "-Dlogback.configurationFile=$home/conf/logback.xml"
    "-Dhalfmoon.log.dir=${HALFMOON_LOG_DIR:-$home/logs}" "-Dhalfmoon.log.name=$1")
}
