#!/usr/bin/env bash
# Installs every Debian 12 package netsweep needs to build, test and run.
# Each library is here for one job; README.md says which.
set -eu
PACKAGES="
build-essential cmake pkg-config git python3
clang-14 clang-format-14 libclang-rt-14-dev
libjpeg62-turbo-dev libpng-dev libwebp-dev libgif-dev
libssl-dev libsqlite3-dev libigraph-dev libmicrohttpd-dev
libjansson-dev libyajl-dev libarchive-dev libmaxminddb-dev libexpat1-dev
libhpdf-dev libtsk-dev
libcmocka-dev libmaxmind-db-writer-perl
hashdeep libjpeg-turbo-progs
e2fsprogs dosfstools mtools fdisk ewf-tools
chromium nodejs wrk
"
missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "deps: all packages present"
	exit 0
fi
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO=sudo
echo "deps: installing$missing"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing
