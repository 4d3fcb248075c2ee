#!/usr/bin/env bash
# Where `gazette send` spends its CPU, per message: `perf record -F 999 -g` of the send inside
# Benchmarks/send-throughput.sh, folded by part of the send path (Benchmarks/fold_profile.py).
#
#   Benchmarks/profile-send.sh [SUBSCRIBERS] [CONCURRENCY]      (defaults: 20000 16)
#
# GAZETTE_BIN=path/to/gazette profiles that binary instead of a fresh release build. perf slows the run
# it records: read the parts against each other, and the rates from send-throughput.sh alone.
set -euo pipefail
cd "$(dirname "$0")/.."
subscribers=${1:-20000}
concurrency=${2:-16}

source Benchmarks/common.sh
prepare_gazette
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
cat > "$profile/gazette" <<WRAP
#!/usr/bin/env bash
if [[ "\$1" == send ]]; then exec perf record -F 999 -g -o "$profile/perf.data" -- "$gazette" "\$@" 2>"$profile/perf.log"; fi
exec "$gazette" "\$@"
WRAP
chmod +x "$profile/gazette"
GAZETTE_BIN="$profile/gazette" Benchmarks/send-throughput.sh "$subscribers" "$concurrency"
perf script -i "$profile/perf.data" -F ip,sym,dso 2>/dev/null | swift demangle --simplified > "$profile/stacks.txt"
python3 Benchmarks/fold_profile.py "$profile/stacks.txt" "$subscribers"
