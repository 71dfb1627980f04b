#!/usr/bin/env bash
# Installs what the project needs on Debian 12 and builds it into build/.
#
#   tools/setup.sh            install missing packages, configure, build
#   tools/setup.sh --no-build install missing packages only
#
# Packages are checked with dpkg-query first; apt-get runs only when one is
# missing, so a second run (or a run as a normal user on a machine that has
# everything) touches nothing. When CC names a compiler that is not on PATH
# (clang, clang-N, gcc-N), its package is installed too.
#
# The build is configured with the project's defaults (RelWithDebInfo, tests
# on); an existing build/ keeps its cached options. BUILD_DIR overrides the
# directory.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${BUILD_DIR:-build}
do_build=1

for arg in "$@"; do
	case $arg in
	--no-build) do_build=0 ;;
	-h|--help)
		sed -n '2,14s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
		exit 0 ;;
	*)
		echo "setup.sh: unknown option \"$arg\"" >&2
		exit 2 ;;
	esac
done

packages=(
	build-essential
	cmake
	libcmocka-dev
	zlib1g-dev
	libpq-dev
	pkg-config
	gcc-11
	python3
	lcov
	diff-cover
	gcovr
	libxml2-utils
	postgresql
	git
	strace
	# the HTML report's browser test (tests/e2e/test_html_browser.sh) and
	# tools/screenshots.sh: headless Chromium, and a font for its text
	chromium
	fonts-dejavu-core
	# tools/test.sh's clang pass: ASan + UBSan at -O0, and libFuzzer
	clang
	libclang-rt-14-dev
	# llvm-cov gcov: the oracle of the tests on clang's --coverage data
	llvm
)

# The compiler CI's matrix asks for through CC, when it is not there yet.
if [[ -n ${CC:-} ]] && ! command -v "$CC" >/dev/null 2>&1; then
	case $(basename "$CC") in
	clang|clang-[0-9]*|gcc-[0-9]*) packages+=("$(basename "$CC")") ;;
	esac
fi

installed() {
	[[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null) == ii* ]]
}

missing=()
for p in "${packages[@]}"; do
	installed "$p" || missing+=("$p")
done

if ((${#missing[@]})); then
	echo "setup.sh: installing ${missing[*]}"
	sudo=()
	if ((EUID != 0)); then
		if ! command -v sudo >/dev/null 2>&1; then
			echo "setup.sh: cannot install ${missing[*]}: not root and no sudo" >&2
			echo "run this script as root, or install them with apt-get" >&2
			exit 1
		fi
		sudo=(sudo --preserve-env=DEBIAN_FRONTEND)
	fi
	"${sudo[@]}" apt-get update -q
	"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
else
	echo "setup.sh: all packages present"
fi

((do_build)) || exit 0

cd "$root"
cmake -S . -B "$build_dir"
cmake --build "$build_dir" -j"$(nproc)"
echo "setup.sh: built $root/$build_dir"
