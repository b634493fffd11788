#!/usr/bin/env bash
# Rebuild the trimmed, vendored copy of the U.S. Web Design System (USWDS)
# in static/vendor/uswds/ from the npm package @uswds/uswds.
#
# Usage: scripts/update_uswds.sh [VERSION]
#
#   VERSION  npm version or range of @uswds/uswds to vendor
#            (default: the pinned version below). The exact resolved
#            version is written to static/vendor/uswds/VERSION.
#
# Requires Node.js and npm, but ONLY to run this script. The result is
# committed, so installing, running or testing the Django project does not
# need Node.
#
# The package is fetched with `npm pack` into a temporary directory; nothing
# (no package.json, lockfile or node_modules) is written to the repository
# apart from static/vendor/uswds/ itself. The copy is assembled and verified
# in the temporary directory first; only if verification passes is the old
# static/vendor/uswds/ removed and replaced, so a failed run leaves the
# existing copy untouched and a successful run always yields the same tree.
#
# Kept from the package's dist/ directory (same relative layout):
#   css/uswds.min.css (+ .map), js/uswds.min.js (+ .map),
#   js/uswds-init.min.js (+ .map if present), img/sprite.svg,
#   every file that the copied CSS references via url() / @import,
#   every file that the copied CSS/JS references via sourceMappingURL.
# Plus LICENSE.md, VERSION and a generated README.md.
#
# Every url() and sourceMappingURL in the copied CSS/JS must resolve to a file
# in the copy (Django's ManifestStaticFilesStorage fails on collectstatic
# otherwise); the script exits non-zero if one does not.

set -euo pipefail

PINNED_VERSION="3.14.0"
PACKAGE="@uswds/uswds"

VERSION_SPEC="${1:-$PINNED_VERSION}"

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$REPO_ROOT/static/vendor/uswds"

die() {
    echo "update_uswds.sh: ERROR: $*" >&2
    exit 1
}

command -v npm >/dev/null 2>&1 || die "npm is required to run this script"
command -v node >/dev/null 2>&1 || die "node is required to run this script"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/update_uswds.XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

# --- 1. Fetch the package tarball into the temp dir -------------------------
echo "==> Fetching $PACKAGE@$VERSION_SPEC with npm pack"
(
    cd "$WORK"
    npm pack "$PACKAGE@$VERSION_SPEC" \
        --json --ignore-scripts --no-fund --no-audit \
        --pack-destination "$WORK" >"$WORK/pack.json"
)

read -r TARBALL INTEGRITY < <(node -e '
    const info = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const entry = Array.isArray(info) ? info[0] : info;
    console.log(entry.filename, entry.integrity || "unknown");
' "$WORK/pack.json")

# npm may replace "/" in scoped names differently across versions; fall back
# to the only tarball present.
if [[ ! -f "$WORK/$TARBALL" ]]; then
    shopt -s nullglob
    tarballs=("$WORK"/*.tgz)
    shopt -u nullglob
    [[ ${#tarballs[@]} -eq 1 ]] || die "could not locate the packed tarball in $WORK"
    TARBALL="$(basename "${tarballs[0]}")"
fi

mkdir -p "$WORK/extract"
tar -xzf "$WORK/$TARBALL" -C "$WORK/extract"
PKG="$WORK/extract/package"
[[ -f "$PKG/package.json" ]] || die "unexpected tarball layout (no package/package.json)"

VERSION="$(node -e 'console.log(require(process.argv[1]).version)' "$PKG/package.json")"
PKG_NAME="$(node -e 'console.log(require(process.argv[1]).name)' "$PKG/package.json")"
[[ "$PKG_NAME" == "$PACKAGE" ]] || die "tarball contains $PKG_NAME, expected $PACKAGE"
echo "    resolved version: $VERSION"
echo "    integrity:        $INTEGRITY"

# --- 2. Assemble the trimmed copy in a staging directory --------------------
STAGE="$WORK/uswds"
mkdir -p "$STAGE"

echo "==> Collecting files"
# Copies the seed files from dist/, then follows url()/@import references in
# CSS and sourceMappingURL references in CSS/JS, copying whatever they point
# at (recursively for copied CSS/JS). Missing required files or references
# that point at a non-existent file are fatal.
node - "$PKG/dist" "$STAGE" <<'NODE'
const fs = require("fs");
const path = require("path");

const [srcRoot, outRoot] = process.argv.slice(2);

// [relative path, required?]
const seeds = [
  ["css/uswds.min.css", true],
  ["css/uswds.min.css.map", true],
  ["js/uswds.min.js", true],
  ["js/uswds.min.js.map", true],
  ["js/uswds-init.min.js", true],
  ["js/uswds-init.min.js.map", false],
  ["img/sprite.svg", true],
];

const errors = [];
const copied = new Set();
const queue = [];

function copy(rel, why) {
  if (copied.has(rel)) return;
  const src = path.join(srcRoot, rel);
  if (!fs.existsSync(src) || !fs.statSync(src).isFile()) {
    errors.push(`missing in package: dist/${rel} (${why})`);
    return;
  }
  const dst = path.join(outRoot, rel);
  fs.mkdirSync(path.dirname(dst), { recursive: true });
  fs.copyFileSync(src, dst);
  copied.add(rel);
  if (/\.(css|js)$/.test(rel)) queue.push(rel);
}

// Reference extraction: kept in sync with the verifier below.
function references(rel, text) {
  const refs = [];
  if (rel.endsWith(".css")) {
    for (const m of text.matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/g)) refs.push(["url()", m[2]]);
    for (const m of text.matchAll(/@import\s+(['"])(.*?)\1/g)) refs.push(["@import", m[2]]);
  }
  for (const m of text.matchAll(/(?:\/\/|\/\*)\s*[#@]\s*sourceMappingURL=([^\s*]+)/g))
    refs.push(["sourceMappingURL", m[1]]);
  return refs;
}

// Returns a package-relative path, null for references that need no file,
// or throws for references that cannot be vendored.
function resolve(fromRel, ref) {
  ref = ref.trim();
  if (ref === "" || ref.startsWith("#") || /^data:/i.test(ref)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith("//")) {
    console.warn(`    WARNING: ${fromRel} references remote URL ${ref} (not vendored)`);
    return null;
  }
  if (ref.startsWith("/")) throw new Error(`absolute path ${ref} cannot be vendored`);
  let p = ref.split("#")[0].split("?")[0];
  try { p = decodeURIComponent(p); } catch (_) { /* keep as-is */ }
  const joined = path.posix.normalize(path.posix.join(path.posix.dirname(fromRel), p));
  if (joined.startsWith("../") || joined === "..") throw new Error(`${ref} escapes the dist/ directory`);
  return joined;
}

for (const [rel, required] of seeds) {
  if (!required && !fs.existsSync(path.join(srcRoot, rel))) continue;
  copy(rel, "required file");
}

while (queue.length) {
  const rel = queue.shift();
  const text = fs.readFileSync(path.join(srcRoot, rel), "utf8");
  for (const [kind, ref] of references(rel, text)) {
    let target;
    try {
      target = resolve(rel, ref);
    } catch (e) {
      errors.push(`${rel}: ${kind} ${ref}: ${e.message}`);
      continue;
    }
    if (target !== null) copy(target, `${kind} in ${rel}`);
  }
}

if (errors.length) {
  console.error(errors.map((e) => "  - " + e).join("\n"));
  process.exit(1);
}
console.log(`    copied ${copied.size} files from dist/`);
NODE

# Licence (LICENSE.md in current releases; accept common alternatives).
LICENSE_FILE=""
for candidate in LICENSE.md LICENSE LICENSE.txt LICENCE.md LICENCE; do
    if [[ -f "$PKG/$candidate" ]]; then
        LICENSE_FILE="$candidate"
        break
    fi
done
[[ -n "$LICENSE_FILE" ]] || die "no licence file found in the package"
cp "$PKG/$LICENSE_FILE" "$STAGE/$LICENSE_FILE"

printf '%s\n' "$VERSION" >"$STAGE/VERSION"

cat >"$STAGE/README.md" <<EOF
# Vendored USWDS (U.S. Web Design System)

This directory is a trimmed copy of the compiled assets from the npm package
[\`$PACKAGE\`](https://www.npmjs.com/package/@uswds/uswds), version **$VERSION**
(tarball integrity \`$INTEGRITY\`). See \`VERSION\` and \`$LICENSE_FILE\`.

**Generated — do not edit by hand.** Regenerate (or upgrade) with:

    scripts/update_uswds.sh            # pinned version
    scripts/update_uswds.sh X.Y.Z      # a specific version

The script deletes and rebuilds this whole directory, keeping only the minified
CSS/JS (+ source maps), \`img/sprite.svg\`, and exactly the fonts and images that
\`css/uswds.min.css\` references, and checks that every \`url()\` and
\`sourceMappingURL\` resolves (required by Django's ManifestStaticFilesStorage).

Node.js/npm are needed **only** to run that script. The files are committed, so
setting up, running or testing the Django project does not need Node.
EOF

# --- 3. Verify the staged copy ----------------------------------------------
echo "==> Verifying references"
# Independent pass over every CSS/JS file in the copy: every url(), @import
# and sourceMappingURL must point at a file inside the copy.
node - "$STAGE" <<'NODE'
const fs = require("fs");
const path = require("path");
const root = process.argv[2];

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]);
}

const problems = [];
let checked = 0;
for (const file of walk(root)) {
  if (!/\.(css|js)$/.test(file)) continue;
  const rel = path.relative(root, file).split(path.sep).join("/");
  const text = fs.readFileSync(file, "utf8");
  const refs = [];
  if (rel.endsWith(".css")) {
    for (const m of text.matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/g)) refs.push(m[2]);
    for (const m of text.matchAll(/@import\s+(['"])(.*?)\1/g)) refs.push(m[2]);
  }
  for (const m of text.matchAll(/(?:\/\/|\/\*)\s*[#@]\s*sourceMappingURL=([^\s*]+)/g)) refs.push(m[1]);
  for (let ref of refs) {
    ref = ref.trim();
    if (ref === "" || ref.startsWith("#") || /^data:/i.test(ref)) continue;
    if (/^[a-z][a-z0-9+.-]*:/i.test(ref) || ref.startsWith("//")) continue;
    let p = ref.split("#")[0].split("?")[0];
    try { p = decodeURIComponent(p); } catch (_) {}
    const target = path.resolve(path.dirname(file), p);
    checked++;
    if (!target.startsWith(path.resolve(root) + path.sep) ||
        !fs.existsSync(target) || !fs.statSync(target).isFile()) {
      problems.push(`${rel}: ${ref}`);
    }
  }
}
if (problems.length) {
  console.error("Unresolved references in the vendored copy:");
  console.error(problems.map((p) => "  - " + p).join("\n"));
  process.exit(1);
}
console.log(`    ${checked} local references checked, all resolve`);
NODE

for required in css/uswds.min.css css/uswds.min.css.map js/uswds.min.js \
    js/uswds.min.js.map js/uswds-init.min.js img/sprite.svg VERSION "$LICENSE_FILE"; do
    [[ -f "$STAGE/$required" ]] || die "verification failed: $required missing from the copy"
done

# --- 4. Replace the vendored copy -------------------------------------------
[[ -n "$DEST" && "$DEST" == "$REPO_ROOT/static/vendor/uswds" ]] || die "refusing to touch $DEST"
echo "==> Replacing $DEST"
rm -rf "$DEST"
mkdir -p "$(dirname "$DEST")"
cp -R "$STAGE" "$DEST"

FILE_COUNT="$(find "$DEST" -type f | wc -l | tr -d ' ')"
TOTAL_BYTES="$(find "$DEST" -type f -exec cat {} + | wc -c | tr -d ' ')"
TOTAL_HUMAN="$(awk -v b="$TOTAL_BYTES" 'BEGIN { printf "%.2f MiB", b / 1048576 }')"

echo "==> Done: $PACKAGE $VERSION vendored into ${DEST#"$REPO_ROOT"/}"
echo "    files: $FILE_COUNT"
echo "    total size: $TOTAL_BYTES bytes ($TOTAL_HUMAN)"
