# Shared pieces of the bench scripts; source it: . "$(dirname "$(realpath "$0")")/lib.sh"
# The caller sets BIN (the zhijian binary) before calling bench_serve.

# bench_serve DB_URL DIR [serve options...]: starts `$BIN --db DB_URL serve OPTIONS` on a port
# the OS chooses (port file DIR/port, log DIR/server.log) in the background and waits for it to
# listen; sets PID, PORT and BASE (http://127.0.0.1:PORT). Fails when it does not come up in 10 s.
bench_serve() {
  local db=$1 dir=$2
  shift 2
  "$BIN" --db "$db" serve --port 0 --port-file "$dir/port" "$@" \
    2>"$dir/server.log" >/dev/null &
  PID=$!
  for _ in $(seq 200); do [ -s "$dir/port" ] && break; sleep 0.05; done
  if [ ! -s "$dir/port" ]; then
    echo "the server did not start: $dir/server.log" >&2
    cat "$dir/server.log" >&2
    return 1
  fi
  PORT=$(cat "$dir/port")
  BASE="http://127.0.0.1:$PORT"
}

# bench_stop: stops the server bench_serve started, if it runs.
bench_stop() {
  if [ -n "${PID:-}" ]; then
    kill "$PID" 2>/dev/null || true
    wait "$PID" 2>/dev/null || true
    PID=
  fi
}

# bench_cpu_ticks: user + system CPU ticks the server has used so far.
bench_cpu_ticks() { awk '{print $14 + $15}' "/proc/$PID/stat"; }

# bench_cpu_per_request BEFORE AFTER WRK_OUTPUT_FILE: prints the server's CPU time per request
# of a wrk run (ticks before and after it) and the load average.
bench_cpu_per_request() {
  local before=$1 after=$2 requests
  requests=$(awk '/requests in/ {print $1}' "$3")
  python3 -c "print('server CPU: %.1f us per request (%d ticks of 1/%d s, %d requests); load %s' % (($after - $before) * 1e6 / $(getconf CLK_TCK) / $requests, $after - $before, $(getconf CLK_TCK), $requests, '$(cut -d' ' -f1-3 /proc/loadavg)'))"
}

# bench_valid_certificates SQLITE_FILE: gives every institution of a demo database a CMA
# certificate valid from 2021 to 2099 (with its status history), so that reports of any 2025
# issue date can be registered.
bench_valid_certificates() {
  python3 - "$1" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
insts = con.execute("SELECT id FROM institutions ORDER BY id").fetchall()
for k, (iid,) in enumerate(insts):
    cur = con.execute("INSERT INTO certificates (institution_id, number, issued_on, expires_on, "
                      "status, created_at, updated_at) VALUES (?, ?, '2021-01-01', '2099-12-31', "
                      "'valid', 'x', 'x')", (iid, "2315010500%02d" % k))
    con.execute("INSERT INTO certificate_status_history (certificate_id, status, effective_on, "
                "recorded_at) VALUES (?, 'valid', '2021-01-01', 'x')", (cur.lastrowid,))
con.commit()
PY
}
