#!/usr/bin/env bash
# Makes every packaged icon from the one source image, assets/icon/salesplan.svg:
#   packaging/icons/hicolor/NxN/apps/salesplan.png   Linux (freedesktop icon theme sizes)
#   packaging/icons/hicolor/scalable/apps/salesplan.svg
#   packaging/icons/salesplan.ico                    Windows (16–256, embedded by build.rs)
#   packaging/icons/salesplan.icns                   macOS
# The results are committed, so building needs none of these tools. Run it after changing the
# source image. Needs (Debian/Ubuntu): apt install librsvg2-bin icoutils icnsutils
set -euo pipefail
cd "$(dirname "$0")/.."
src=assets/icon/salesplan.svg
out=packaging/icons
rm -rf "$out"
for size in 16 24 32 48 64 128 256 512; do
    dir="$out/hicolor/${size}x${size}/apps"
    mkdir -p "$dir"
    rsvg-convert --width "$size" --height "$size" "$src" --output "$dir/salesplan.png"
done
mkdir -p "$out/hicolor/scalable/apps"
cp "$src" "$out/hicolor/scalable/apps/salesplan.svg"
icotool --create --output "$out/salesplan.ico" \
    "$out"/hicolor/{16x16,24x24,32x32,48x48,64x64,128x128}/apps/salesplan.png \
    --raw="$out/hicolor/256x256/apps/salesplan.png"
png2icns "$out/salesplan.icns" \
    "$out"/hicolor/{16x16,32x32,128x128,256x256,512x512}/apps/salesplan.png >/dev/null
echo "icons written to $out"
