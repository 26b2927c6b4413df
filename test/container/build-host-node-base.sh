#!/usr/bin/env bash
# Assembles a minimal local base image from the host's Node.js, for machines with no registry
# access (no `docker pull node:22-bookworm-slim`). It stands in for the official Node image in the
# Dockerfile's NODE_IMAGE build argument, so the REAL Dockerfile is what gets built and run.
#
# Contents (FROM scratch): the host's node binary and the shared libraries it links (ldd), the
# host's npm (the build stage runs `npm ci`), busybox for /bin/sh and the few utilities the
# Dockerfile's RUN lines use (ln, mkdir, chown, chmod, echo), /etc/passwd and /etc/group with
# root, and the host's CA bundle so npm trusts a TLS-intercepting egress proxy if there is one.
#
# Usage: build-host-node-base.sh IMAGE_NAME   (buildah global flags via $BUILDAH_FLAGS)
set -euo pipefail

image=${1:?usage: build-host-node-base.sh IMAGE_NAME}
read -r -a flags <<<"${BUILDAH_FLAGS:-}"
bh() { buildah "${flags[@]}" "$@"; }

node_bin=$(readlink -f "$(command -v node)")
npm_dir=$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")") # .../node_modules/npm
busybox_bin=$(command -v busybox || true)
[ -n "$busybox_bin" ] || { echo "build-host-node-base: busybox not found (apt-get install busybox-static)" >&2; exit 1; }
if ldd "$busybox_bin" >/dev/null 2>&1; then
  echo "build-host-node-base: $busybox_bin is dynamically linked; install busybox-static" >&2
  exit 1
fi

ctr=$(bh from scratch)
cleanup() { bh rm "$ctr" >/dev/null 2>&1 || true; }
trap cleanup EXIT
root=$(bh mount "$ctr")

mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,usr/local/lib/node_modules,etc/ssl/certs,root,tmp}
chmod 1777 "$root/tmp"
chmod 0700 "$root/root"

# Node and every shared library it links, at the same paths (including the dynamic loader).
install -m 0755 "$node_bin" "$root/usr/local/bin/node"
ldd "$node_bin" | awk '/=> \//{print $3} /^[[:space:]]*\//{print $1}' | while read -r lib; do
  mkdir -p "$root$(dirname "$lib")"
  cp -L "$lib" "$root$lib"
done

# npm, laid out as in the official image (/usr/local/bin/npm -> ../lib/node_modules/npm/...).
cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

# busybox provides /bin/sh and the utilities, and /usr/bin/env for the `#!/usr/bin/env node` shebangs.
install -m 0755 "$busybox_bin" "$root/bin/busybox"
for applet in sh ash ln mkdir chown chmod echo cat ls rm cp mv id touch sleep env true false grep; do
  ln -s busybox "$root/bin/$applet"
done
ln -s /bin/busybox "$root/usr/bin/env"
ln -s /bin/busybox "$root/usr/sbin/nologin"

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n' >"$root/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
  cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
fi

bh umount "$ctr" >/dev/null
bh config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
  --env NODE_VERSION="$("$node_bin" --version)" \
  --cmd node \
  --label org.opencontainers.image.description="test-only base: host node $("$node_bin" --version) + busybox" \
  "$ctr"
bh commit --quiet "$ctr" "$image" >/dev/null
echo "$image"
