# Sourced by the bin/halfmoon-* scripts: finds the jars in both layouts.
#   distribution (halfmoon-<version>.tar.gz): bin/ conf/ lib/
#   source tree after `mvn -B -q package -DskipTests`: <module>/target/<jar> and <module>/target/lib/
# Usage: halfmoon_classpath <script-name> <module> <jar-name>; sets HALFMOON_CP or exits 2.
home="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

halfmoon_classpath() {
  local script="$1" module="$2" jar="$3"
  if [ -d "$home/lib" ]; then
    HALFMOON_CP="$home/lib/*"
    return
  fi
  if [ ! -f "$home/$module/target/$jar" ]; then
    echo "$script: $home/$module/target/$jar is missing; build first with: mvn -B -q package -DskipTests" >&2
    exit 2
  fi
  HALFMOON_CP="$home/$module/target/$jar:$home/$module/target/lib/*"
}

# Server logs: conf/logback.xml writes to the console and to $HALFMOON_LOG_DIR/<name>.log (rolled daily and at 100 MB).
halfmoon_log_opts() {
  echo "-Dhalfmoon.home=$home -Dlogback.configurationFile=$home/conf/logback.xml -Dhalfmoon.log.dir=${HALFMOON_LOG_DIR:-$home/logs} -Dhalfmoon.log.name=$1"
}
