#!/usr/bin/env bash
# Write static/vendor/uswds/css/uswds-used.min.css: the vendored USWDS stylesheet with only the
# rules our templates, scripts and Python-made markup use. The full sheet is 527 KB, about 40 KB
# on the wire, and it blocks the first paint on a phone; the used part is a fraction of that.
# Run it after using a USWDS class that no template used before; tests/test_stylesheets.py
# fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
PURGECSS=scripts/css/node_modules/.bin/purgecss
[ -x "$PURGECSS" ] || npm ci --prefix scripts/css --no-audit --no-fund --silent
CSS=static/vendor/uswds/css
CONFIG=$(mktemp --suffix=.cjs)
trap 'rm -f "$CONFIG"' EXIT
cat > "$CONFIG" <<'JS'
module.exports = {
  content: ["templates/**/*.html", "static/js/*.js", "vendors/**/*.py", "clearinghouse/**/*.py", "pagecache/**/*.py"],
  css: ["static/vendor/uswds/css/uswds.min.css"],
  // Words with colons too, for the responsive classes such as tablet:grid-col-6.
  defaultExtractor: (content) => content.match(/[\w:-]+/g) || [],
  fontFace: true,
  keyframes: true,
  variables: true,
  // Classes a template builds from a value, such as usa-alert--{{ level }}.
  safelist: { greedy: [/^usa-alert--/, /^usa-tag--/] },
};
JS
"$PURGECSS" --config "$CONFIG" --output "$CSS/uswds-used.min.css.tmp"
mv "$CSS/uswds-used.min.css.tmp/uswds.min.css" "$CSS/uswds-used.min.css"
rmdir "$CSS/uswds-used.min.css.tmp"
# The source map describes the full sheet, not this one.
sed -i 's|/\*# sourceMappingURL=[^*]*\*/||' "$CSS/uswds-used.min.css"
wc -c "$CSS/uswds.min.css" "$CSS/uswds-used.min.css"
