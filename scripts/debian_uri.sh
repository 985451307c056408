# Sourced by scripts/setup.sh and bench/go/fetch_go124.sh: the archive URI
# of the machine's own Debian sources, so that a machine with a local
# mirror keeps using it and this repository names no archive host.
#
# bookworm_uri: the URI of the configured bookworm suite (one-line or
# deb822 format; deb-src, comments and disabled stanzas ignored), first
# found; empty if none.  Reads $APT_ETC (default /etc/apt).
bookworm_uri() {
	_etc=${APT_ETC:-/etc/apt}
	for f in "$_etc/sources.list" "$_etc"/sources.list.d/*.list; do
		[ -r "$f" ] || continue
		awk '$1 == "deb" {
			i = 2
			if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
			if ($(i + 1) == "bookworm") { print $i; exit }
		}' "$f"
	done
	for f in "$_etc"/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; hit = 0; deb = 0; on = 1
			for (j = 1; j <= NF; j++) {
				if ($j ~ /^#/) continue
				split($j, kv, ":")
				k = kv[1]; v = substr($j, length(k) + 2)
				gsub(/^[ \t]+|[ \t]+$/, "", v)
				if (k == "Types" && v ~ /(^| )deb( |$)/) deb = 1
				if (k == "URIs") { split(v, u, " "); uri = u[1] }
				if (k == "Suites" && (" " v " ") ~ / bookworm /) hit = 1
				if (k == "Enabled" && v == "no") on = 0
			}
			if (deb && hit && on && uri != "") { print uri; exit }
		}' "$f"
	done
}
