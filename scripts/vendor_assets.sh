#!/usr/bin/env bash
# Refresh the front-end assets under static/vendor from the npm registry (pinned versions).
# The files are committed so that the app serves them itself and `make run` needs no Node.js.
set -euo pipefail
cd "$(dirname "$0")/.."
BOOTSTRAP=5.3.9
HTMX=2.0.11
ECHARTS=6.1.0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "bootstrap@$BOOTSTRAP" "htmx.org@$HTMX" "echarts@$ECHARTS" >/dev/null)
for f in "$tmp"/*.tgz; do mkdir -p "$tmp/x/$(basename "$f" .tgz)"; tar -xzf "$f" -C "$tmp/x/$(basename "$f" .tgz)"; done
dest=static/vendor
rm -rf "$dest" && mkdir -p "$dest/bootstrap" "$dest/htmx" "$dest/echarts"
cp "$tmp"/x/bootstrap-*/package/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp "$tmp"/x/bootstrap-*/package/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp "$tmp"/x/htmx.org-*/package/dist/htmx.min.js "$dest/htmx/"
cp "$tmp"/x/echarts-*/package/dist/echarts.min.js "$dest/echarts/"
# No source maps are shipped: drop the references so the manifest storage does not look for them.
sed -i '/sourceMappingURL=/d' "$dest"/*/*.js "$dest"/*/*.css
cat > "$dest/VERSIONS" <<VERS
bootstrap $BOOTSTRAP (MIT)
htmx.org $HTMX (0BSD)
echarts $ECHARTS (Apache-2.0)
VERS
echo "vendored into $dest"
