#!/usr/bin/env bash
# The project's static checks, as CI runs them (.github/workflows/ci.yml,
# job "hygiene"):
#
#   tools/lint.sh             shellcheck on every script, cppcheck on the C
#                             sources, and a -Werror build with the extra
#                             warnings (-Wformat=2 -Wformat-nonliteral
#                             -Wcast-qual) in build-werror-<compiler>/
#   tools/lint.sh --no-build  the two checkers only
#
# CC chooses the compiler of the build. Installs shellcheck and cppcheck
# when they are missing. Exit status: 0 clean, 1 a finding, 2 a bad option.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
build=1
for arg in "$@"; do
	case $arg in
	--no-build) build=0 ;;
	-h|--help)
		sed -n '2,13s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
		exit 0 ;;
	*)
		echo "lint.sh: unknown option \"$arg\"" >&2
		exit 2 ;;
	esac
done
cd "$root"

missing=()
for tool in shellcheck cppcheck; do
	command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if ((${#missing[@]})); then
	sudo=()
	((EUID == 0)) || sudo=(sudo)
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

rc=0
# every script of the repository (settings in .shellcheckrc)
mapfile -t scripts < <(git ls-files '*.sh' 2>/dev/null || find . -name '*.sh' -not -path './build*')
echo "lint.sh: shellcheck on ${#scripts[@]} scripts"
shellcheck -x "${scripts[@]}" || rc=1

echo "lint.sh: cppcheck on common/, covmerge/, runner/"
includes=()
for d in include common covmerge/* runner/*; do
	[[ -d $d ]] && includes+=(-I "$d")
done
cppcheck --quiet --enable=warning,portability --std=c11 --inline-suppr \
	--error-exitcode=1 -D_GNU_SOURCE "${includes[@]}" common covmerge runner || rc=1

if ((build)); then
	cc=${CC:-cc}
	dir=build-werror-$(basename "$cc")
	echo "lint.sh: -Werror build with $cc in $dir"
	cmake -S . -B "$dir" -DCM_TESTS=ON \
		-DCMAKE_C_FLAGS="-Werror -Wformat=2 -Wformat-nonliteral -Wcast-qual" >/dev/null &&
		cmake --build "$dir" -j"$(nproc)" || rc=1
fi
exit "$rc"
