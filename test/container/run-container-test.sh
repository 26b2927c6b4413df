#!/usr/bin/env bash
# Container proof for appflow-gitops: builds the image from the REAL Dockerfile with buildah, runs
# it with podman the way a hardened deployment does, and checks that it
#   - runs as a non-root numeric user, with a read-only root filesystem (no tmpfs either), writing
#     only to the state volume;
#   - serves /healthz, /readyz and /metrics on the EXPOSEd port, and its HEALTHCHECK command passes;
#   - reconciles the mounted profiles directory against the emulator (checked through the real
#     AWS SDK), applies a file edited while it runs, and follows a git-sync style publish (a new
#     worktree, an atomic symlink flip, then the webhook POST /reconcile);
#   - reconciles on SIGHUP, and exits 0 on SIGTERM well within the stop timeout (Node is PID 1:
#     signals must reach it and be handled by the daemon).
#
# No Docker engine and no registry are needed: the Dockerfile's NODE_IMAGE build argument gets a
# base image assembled locally from the host's node binary (build-host-node-base.sh). npm ci in the
# build needs the npm registry.
#
# Usage: test/container/run-container-test.sh            (as root; needs buildah, podman, runc,
#                                                          slirp4netns, busybox-static, curl)
# Env:   APPFLOW_GITOPS_CONTAINER_CONTEXT  build context (default: the repository root)
#        CONTAINER_STORAGE_DRIVER          overlay (default) or vfs
#        KEEP_CONTAINER_TEST=1             keep the work directory (images, logs) for debugging
# Exit:  0 all checks passed; 1 a check failed (the reason is printed, with the container's logs).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
context=${APPFLOW_GITOPS_CONTAINER_CONTEXT:-$repo}
storage_driver=${CONTAINER_STORAGE_DRIVER:-overlay}
stop_timeout=30          # seconds podman waits after SIGTERM before SIGKILL
build_timeout=900        # the two `npm ci` runs dominate
base_image=localhost/appflow-gitops-node-host:test
image=localhost/appflow-gitops:container-test
container=appflow-gitops-container-test-$$

started=$(date +%s.%N)
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[container-test +%ss] %s\n' "$(since "$started")" "$*"; }
timings=()
record() { timings+=("$(printf '%-42s %6ss' "$1" "$2")"); }

for tool in buildah podman runc slirp4netns curl node; do
  command -v "$tool" >/dev/null || { echo "container-test: $tool is not installed" >&2; exit 1; }
done
[ "$(id -u)" = 0 ] || { echo "container-test: run as root (rootful podman; no user namespaces needed)" >&2; exit 1; }

work=$(mktemp -d /tmp/appflow-gitops-ctest.XXXXXX)
store=(--root "$work/storage" --runroot "$work/run" --storage-driver "$storage_driver")
bh() { buildah "${store[@]}" "$@"; }
pm() { podman "${store[@]}" "$@"; }
emulator_pid=

cleanup() {
  local rc=$?
  set +e
  pm rm -f -t 0 "$container" >/dev/null 2>&1
  [ -n "$emulator_pid" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
  if [ "${KEEP_CONTAINER_TEST:-}" = 1 ]; then
    echo "container-test: kept $work (storage flags: ${store[*]})"
  else
    pm rmi -a -f >/dev/null 2>&1
    bh rm -a >/dev/null 2>&1
    bh rmi -a -f >/dev/null 2>&1
    # Unmount whatever the storage still has mounted, then remove the private store entirely.
    grep -o " $work/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null
    rm -rf "$work"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
  echo "container-test FAILED: $*" >&2
  if pm container exists "$container" 2>/dev/null; then
    echo "---- last 40 lines of the container's log ----" >&2
    pm logs --tail 40 "$container" >&2 2>&1 || true
  fi
  if [ -f "$work/emulator.log" ]; then
    echo "---- emulator output ----" >&2
    tail -n 20 "$work/emulator.log" >&2 || true
  fi
  exit 1
}

# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND every 0.2 s until it succeeds or time is up.
wait_for() {
  local what=$1 limit=$2 t0
  shift 2
  t0=$(now)
  while ! "$@" >/dev/null 2>&1; do
    if awk -v a="$t0" -v b="$(now)" -v l="$limit" 'BEGIN { exit !(b - a > l) }'; then
      fail "timed out after ${limit}s waiting for $what"
    fi
    sleep 0.2
  done
}

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

# ---------------------------------------------------------------------------------------------
log "work directory $work (storage driver $storage_driver)"
t=$(now)
BUILDAH_FLAGS="${store[*]}" "$repo/test/container/build-host-node-base.sh" "$base_image" >/dev/null ||
  fail "could not assemble the local base image"
record "assemble base image (host node)" "$(since "$t")"
log "base image $base_image ready"

# Preflight (2 s instead of a failed multi-minute build): the Dockerfile runs `npm ci`, which
# refuses a package-lock.json that does not match package.json.
mkdir -p "$work/lockcheck"
cp "$context/package.json" "$context/package-lock.json" "$work/lockcheck/"
if ! (cd "$work/lockcheck" && npm ci --dry-run --ignore-scripts --no-audit --no-fund >"$work/lockcheck.log" 2>&1); then
  grep -E 'Missing|Invalid|in sync' "$work/lockcheck.log" >&2 || tail -n 5 "$work/lockcheck.log" >&2
  fail "npm ci rejects $context/package-lock.json (above), so the Dockerfile's npm ci would too: update the lock file"
fi

t=$(now)
log "building $image from $repo/Dockerfile (context $context)"
# --format docker keeps HEALTHCHECK (OCI images drop it); --network host lets `npm ci` reach the
# registry without a CNI bridge. TMPDIR keeps buildah's cache mounts (the npm cache) inside the
# work directory, so nothing is left in /var/tmp.
mkdir -p "$work/tmp"
if ! TMPDIR="$work/tmp" timeout "$build_timeout" buildah "${store[@]}" bud --quiet --format docker --network host \
  --build-arg "NODE_IMAGE=$base_image" -f "$repo/Dockerfile" -t "$image" "$context" >"$work/build.log" 2>&1; then
  tail -n 40 "$work/build.log" >&2
  fail "image build failed (log above)"
fi
record "build image (2 stages, npm ci x2)" "$(since "$t")"
log "image built: $(pm image inspect "$image" --format '{{.Size}}' | awk '{ printf "%.0f MB", $1 / 1e6 }')"

# The image's metadata must say what the Dockerfile promises.
meta=$(pm image inspect "$image" --format '{{.Config.User}}|{{json .Config.Entrypoint}}|{{json .Config.Cmd}}|{{json .Config.ExposedPorts}}|{{json .Config.Healthcheck.Test}}|{{.Config.StopSignal}}')
IFS='|' read -r img_user img_entrypoint img_cmd img_ports img_health img_stopsignal <<<"$meta"
[ "$img_user" = "10001:10001" ] || fail "image USER is '$img_user', expected 10001:10001"
[ "$img_entrypoint" = '["appflow-gitops"]' ] || fail "ENTRYPOINT is $img_entrypoint"
case "$img_cmd" in '["run",'*) ;; *) fail "CMD is $img_cmd, expected it to start with run" ;; esac
case "$img_ports" in *8080/tcp*) ;; *) fail "EXPOSE lacks 8080/tcp: $img_ports" ;; esac
case "$img_health" in *healthz*) ;; *) fail "HEALTHCHECK missing (built without --format docker?): $img_health" ;; esac
[ "$img_stopsignal" = SIGTERM ] || [ -z "$img_stopsignal" ] || fail "STOPSIGNAL is $img_stopsignal"
log "image metadata ok: USER $img_user, ENTRYPOINT $img_entrypoint, CMD $img_cmd"

# ---------------------------------------------------------------------------------------------
# The emulator runs on the host (outside the container), like AWS would.
[ -f "$repo/dist/bundle/appflow-gitops.js" ] || (cd "$repo" && npm run --silent build) || fail "host build of the CLI failed"
emulator_port=$(free_port)
node "$repo/bin/appflow-gitops.js" emulator --host 127.0.0.1 --port "$emulator_port" \
  --seed "$repo/demo/seed.json" >"$work/emulator.log" 2>&1 &
emulator_pid=$!
emulator=http://127.0.0.1:$emulator_port
wait_for "the emulator on $emulator" 20 curl -fsS -m 2 "$emulator/__emulator/health"
log "emulator listening on $emulator (pid $emulator_pid)"

# A private copy of the profiles laid out the way git-sync publishes a checkout: the revision lives
# in a worktree and a symlink points at it. Mounted read-only at /config, the image's default
# `--profiles /config/profiles` goes through that symlink.
mkdir -p "$work/git/.worktrees/rev1"
cp -a "$repo/profiles" "$work/git/.worktrees/rev1/profiles"
ln -s .worktrees/rev1/profiles "$work/git/profiles"
expected=$(node --no-warnings "$repo/test/container/emulator-query.mjs" expected-names "$work/git/profiles") ||
  fail "could not read the expected profile names"
log "profiles to reconcile: $expected"
mkdir -p "$work/state"
chown 10001:10001 "$work/state"
chmod 0750 "$work/state"

http_port=$(free_port)
t=$(now)
# slirp4netns with allow_host_loopback: the container reaches the host's 127.0.0.1 as 10.0.2.2,
# and its port 8080 is published on the host's 127.0.0.1 only. The image's default CMD is used
# unchanged. --read-only-tmpfs=false: not even /tmp is writable, so the state volume is the only
# writable path. The --ulimit values stay below this sandbox's hard limits (it lacks
# CAP_SYS_RESOURCE, and podman's defaults would try to raise them). --no-healthcheck: podman
# schedules healthchecks with systemd timers, and there is no systemd here; the HEALTHCHECK command
# is run by hand below.
pm run -d --name "$container" --runtime runc \
  --read-only --read-only-tmpfs=false \
  --cap-drop ALL --security-opt no-new-privileges \
  --no-healthcheck --ulimit nofile=4096:4096 --ulimit nproc=4096:4096 \
  --network slirp4netns:allow_host_loopback=true -p "127.0.0.1:$http_port:8080" \
  -v "$work/state:/var/lib/appflow-gitops" \
  -v "$work/git:/config:ro" \
  -e AWS_REGION=us-east-1 -e AWS_ACCESS_KEY_ID=test -e AWS_SECRET_ACCESS_KEY=test \
  -e "AWS_ENDPOINT_URL_APPFLOW=http://10.0.2.2:$emulator_port" \
  -e "AWS_ENDPOINT_URL_SECRETS_MANAGER=http://10.0.2.2:$emulator_port" \
  "$image" >/dev/null || fail "podman run failed"
log "container $container started; http on 127.0.0.1:$http_port"

daemon=http://127.0.0.1:$http_port
wait_for "/healthz to answer 200" 30 curl -fsS -m 2 "$daemon/healthz"
record "start -> /healthz 200" "$(since "$t")"
log "/healthz: $(curl -fsS -m 2 "$daemon/healthz" | head -c 200)"

# Non-root: the process the kernel runs (seen from the host) and from inside.
pid=$(pm inspect "$container" --format '{{.State.Pid}}')
host_uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")
[ "$host_uid" = 10001 ] || fail "PID 1 of the container runs as uid $host_uid, expected 10001"
inner_uid=$(pm exec "$container" node -e 'process.stdout.write(String(process.getuid()))')
[ "$inner_uid" = 10001 ] || fail "process.getuid() in the container is $inner_uid"
inner_cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline")
log "non-root ok: uid $host_uid; PID 1 is: $inner_cmd"

# Read-only root filesystem, /tmp included; the state volume is writable.
ro=$(pm exec "$container" node -e '
  const fs = require("fs");
  const r = [];
  for (const p of ["/app/probe", "/tmp/probe", "/config/profiles/probe"]) {
    try { fs.writeFileSync(p, "x"); r.push(p + ":WRITABLE"); } catch (e) { r.push(p + ":" + e.code); }
  }
  const state = "/var/lib/appflow-gitops/.container-test-probe";
  try { fs.writeFileSync(state, "x"); fs.unlinkSync(state); r.push("/var/lib/appflow-gitops:writable"); }
  catch (e) { r.push("/var/lib/appflow-gitops:" + e.code); }
  process.stdout.write(r.join(" "));')
case "$ro" in *WRITABLE*) fail "a path outside the state volume is writable: $ro" ;; esac
case "$ro" in *appflow-gitops:writable*) ;; *) fail "the state volume is not writable: $ro" ;; esac
log "read-only ok: $ro"

# The image's own HEALTHCHECK command passes (podman cannot schedule it here, so run it by hand).
pm exec "$container" node -e "fetch('http://127.0.0.1:8080/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))" ||
  fail "the HEALTHCHECK command failed inside the container"
log "HEALTHCHECK command ok"

# Reconcile: every profile in the mounted directory exists in the emulator.
t=$(now)
all_present() {
  local described
  described=$(node --no-warnings "$repo/test/container/emulator-query.mjs" profiles "$emulator") || return 1
  node -e '
    const expected = JSON.parse(process.argv[1]);
    const names = new Set(JSON.parse(process.argv[2]).map((p) => p.name));
    process.exit(expected.every((n) => names.has(n)) ? 0 : 1);' "$expected" "$described"
}
wait_for "every profile to appear in the emulator" 60 all_present
record "start -> all profiles created" "$(since "$t")"
log "reconciled: $(node --no-warnings "$repo/test/container/emulator-query.mjs" profiles "$emulator" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).map(p=>p.name).join(", ")))')"

wait_for "/readyz to answer 200" 60 curl -fsS -m 2 "$daemon/readyz"
log "/readyz: 200"
metrics=$(curl -fsS -m 5 "$daemon/metrics") || fail "/metrics did not answer"
grep -q '^# TYPE ' <<<"$metrics" || fail "/metrics is not Prometheus text"
log "/metrics ok ($(grep -c '^# TYPE ' <<<"$metrics") metric families)"

# State was written, to the volume only, by uid 10001.
[ -n "$(ls -A "$work/state")" ] || fail "the state volume is empty after a reconcile"
owners=$(find "$work/state" -mindepth 1 -printf '%U\n' | sort -u | tr '\n' ' ')
[ "$owners" = "10001 " ] || fail "state files are owned by uids: $owners"
log "state volume: $(find "$work/state" -mindepth 1 -printf '%P ' ) (owner uid 10001)"

# Secrets never reach the logs: no secret value from the demo seed appears in the daemon's output.
pm logs "$container" >"$work/container.log" 2>&1
leaked=$(node -e '
  const fs = require("fs");
  const seed = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const log = fs.readFileSync(process.argv[2], "utf8");
  const values = [];
  for (const s of seed.secrets ?? []) {
    let parsed; try { parsed = JSON.parse(s.secretString); } catch { parsed = { v: s.secretString }; }
    for (const v of Object.values(parsed)) if (typeof v === "string" && v.length >= 8) values.push(v);
  }
  process.stdout.write(String(values.filter((v) => log.includes(v)).length));' "$repo/demo/seed.json" "$work/container.log")
[ "$leaked" = 0 ] || fail "$leaked secret value(s) from demo/seed.json appear in the container's log"
log "logs: $(wc -l <"$work/container.log") lines, no secret values"

# edit_and_wait DESCRIPTION PROFILES_DIR [PUBLISH_COMMAND...]: changes one instanceUrl under
# PROFILES_DIR, runs the optional publish step, and waits until the emulator has the new value.
edit_and_wait() {
  local what=$1 dir=$2 edit t0
  shift 2
  t0=$(now)
  edit=$(node --no-warnings "$repo/test/container/emulator-query.mjs" edit-one "$dir") ||
    fail "could not edit a profile file under $dir"
  edited_name=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).name)' "$edit")
  edited_url=$(node -e 'process.stdout.write(JSON.parse(process.argv[1]).instanceUrl)' "$edit")
  [ $# -eq 0 ] || "$@"
  wait_for "$what: $edited_name to be updated in the emulator" 30 updated
  record "$what -> update applied" "$(since "$t0")"
  log "$what applied: $edited_name instanceUrl is now $edited_url"
}
updated() {
  node --no-warnings "$repo/test/container/emulator-query.mjs" profiles "$emulator" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const p = JSON.parse(s).find((x) => x.name === process.argv[1]);
      const text = JSON.stringify(p?.properties ?? {});
      process.exit(text.includes(JSON.stringify(process.argv[2])) ? 0 : 1);
    });' "$edited_name" "$edited_url"
}

# 1. A file edited in place while the daemon runs (a plain bind mount): the file watcher sees it.
edit_and_wait "file edit" "$work/git/.worktrees/rev1/profiles"

# 2. What git-sync does on a push: a new worktree, an atomic symlink flip, then its webhook.
publish_rev2() {
  ln -s .worktrees/rev2/profiles "$work/git/.profiles-next"
  mv -T "$work/git/.profiles-next" "$work/git/profiles"
  local status
  status=$(curl -s -m 5 -o /dev/null -w '%{http_code}' -X POST "$daemon/reconcile")
  [ "$status" = 202 ] || fail "POST /reconcile (git-sync's webhook) answered $status, expected 202"
}
cp -a "$work/git/.worktrees/rev1" "$work/git/.worktrees/rev2"
edit_and_wait "git-sync flip + webhook" "$work/git/.worktrees/rev2/profiles" publish_rev2

# SIGHUP reaches the daemon too: it starts a reconcile, which reads the account again.
describes() { node --no-warnings "$repo/test/container/emulator-query.mjs" count "$emulator" DescribeConnectorProfiles; }
# First let the passes the publish above triggered settle (webhook, plus the watcher noticing the
# flip): the count must hold still for 3 s, so a later increase can only come from the signal.
settled() {
  local a b
  a=$(describes) || return 1
  sleep 3
  b=$(describes) || return 1
  [ "$a" = "$b" ]
}
wait_for "the daemon to go idle" 30 settled
before_hup=$(describes) || fail "could not read the emulator's request log"
pm kill --signal SIGHUP "$container" >/dev/null || fail "podman kill --signal SIGHUP failed"
more_describes() { [ "$(describes)" -gt "$before_hup" ]; }
wait_for "a reconcile after SIGHUP (a new DescribeConnectorProfiles call)" 15 more_describes
log "SIGHUP ok: it triggered a reconcile"

# SIGTERM: podman stop sends the image's STOPSIGNAL and waits $stop_timeout s before SIGKILL.
t=$(now)
pm stop -t "$stop_timeout" "$container" >/dev/null || fail "podman stop failed"
stop_seconds=$(since "$t")
record "SIGTERM -> exit" "${stop_seconds}"
exit_code=$(pm inspect "$container" --format '{{.State.ExitCode}}')
[ "$exit_code" = 0 ] || fail "exit code after SIGTERM is $exit_code (137 = killed after the ${stop_timeout}s timeout)"
awk -v s="$stop_seconds" -v l="$stop_timeout" 'BEGIN { exit !(s < l - 1) }' ||
  fail "the container took ${stop_seconds}s to stop (timeout ${stop_timeout}s): SIGTERM did not reach the daemon"
log "SIGTERM ok: exit code 0 after ${stop_seconds}s (timeout ${stop_timeout}s)"

echo
echo "container-test PASSED in $(since "$started")s"
printf '  %s\n' "${timings[@]}"
