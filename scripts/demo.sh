#!/usr/bin/env bash
# The sandbox demo (`make demo`): every installed platform emulator seeded with one portfolio,
# then the jobs an integrator schedules (sync, reconcile, notify, report), run once each,
# on the embedded SQLite store.
#   KEEP=1 make demo   leaves the sandbox running afterwards
#   SEED=N SIZE=N      choose the generated portfolio
set -euo pipefail
cd "$(dirname "$0")/.."

DIR=${DEMO_DIR:-.coisync-sandbox}
CONFIG="$DIR/coisync.toml"
SEED=${SEED:-7}
SIZE=${SIZE:-40}
KEEP=${KEEP:-0}
started=$(date +%s)
export COLUMNS=${COLUMNS:-120}   # rich wraps tables at 80 columns when not on a terminal

OPT_IN_WARNING="allow_private_network and allow_insecure_http enabled"
SHOWN_OPT_IN=0   # after step 2 the sandbox's network opt-in warning (once per connection per command) is not repeated
cs() {
  if [[ "$SHOWN_OPT_IN" == 1 ]]; then
    coisync --config "$CONFIG" "$@" 2> >(grep -v --line-buffered "$OPT_IN_WARNING" >&2)
  else
    coisync --config "$CONFIG" "$@"
  fi
}
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
allow() {  # run a command whose exit code is one of the allowed ones, fail otherwise
  local allowed=$1; shift
  set +e; "$@"; local code=$?; set -e
  if [[ " $allowed " != *" $code "* ]]; then
    echo "demo: '$*' exited $code (expected one of: $allowed)" >&2
    exit "$code"
  fi
  return 0
}

step "1. Start the sandbox: one emulator per installed platform, plus an SMTP sink"
coisync sandbox down --dir "$DIR" >/dev/null 2>&1 || true
rm -f "$DIR"/coisync.db "$DIR"/coisync.db-wal "$DIR"/coisync.db-shm
if [[ -d "$DIR/emulators" ]]; then
  coisync sandbox reset --dir "$DIR" --seed "$SEED" --size "$SIZE" >/dev/null
fi
coisync sandbox up --detach --dir "$DIR" --seed "$SEED" --size "$SIZE"
if [[ "$KEEP" != 1 ]]; then
  trap 'coisync sandbox down --dir "$DIR" >/dev/null 2>&1 || true' EXIT
fi

step "2. Check every connection (credentials, reachability, write permission)"
cs connections test
SHOWN_OPT_IN=1
echo "(the sandbox's emulators listen on loopback over plain HTTP, so each connection opts in to both;"
echo " coisync warns about that on every command, as above; the rest of the demo does not repeat it)"

step "3. Sync: pull every platform, judge every party, write the verdicts back"
allow "0 1" cs sync
run_id=$(cs runs --json | python -c 'import json,sys; print(json.load(sys.stdin)[0]["run_id"])')

step "4. What the sync wrote into the platforms (run $run_id)"
cs run "$run_id" --limit 12

step "5. Reconcile: link the same parties across platforms, flag disagreements back into each"
allow "0 3" cs reconcile

step "6. Follow up: deficiency notices and renewal reminders by e-mail (the sandbox's SMTP sink)"
allow "0 1" cs notify
echo "messages captured in $DIR/mail: $(find "$DIR/mail" -name '*.eml' | wc -l)"

step "7. Sync again: verdicts that changed because reconcile linked records are written back"
allow "0 1" cs sync --json >"$DIR/sync-2.json"
python - "$DIR/sync-2.json" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
for part in summary["connections"]:
    print(f"  {part['connection']:<8} read {part['records_read']:>4}  writes planned {part['writes_planned']:>3}  applied {part['writes_applied']:>3}")
PY

step "8. And once more: with nothing changed anywhere, a sync writes nothing (reconcile's flags stay)"
allow "0 1" cs sync

step "9. Where the portfolio stands"
allow "0 3" cs report --format text >"$DIR/report.txt"
sed -n '1,12p' "$DIR/report.txt"
echo "(the whole text report is in $DIR/report.txt)"
cs report --format html --output "$DIR/report.html" >/dev/null

step "Done in $(( $(date +%s) - started ))s"
cat <<MSG
  HTML report:        $DIR/report.html (open it in a browser)
  emails captured:    $DIR/mail/
  seeded problems:    $DIR/seeded-problems.json
  look around:        coisync --config $CONFIG status
                      coisync sandbox state procore --dir $DIR
                      coisync --config $CONFIG report
MSG
if [[ "$KEEP" == 1 ]]; then
  echo "  the sandbox keeps running: coisync sandbox down --dir $DIR stops it"
else
  echo "  the sandbox was stopped; its state stays on disk (coisync sandbox up --dir $DIR resumes it)"
fi
