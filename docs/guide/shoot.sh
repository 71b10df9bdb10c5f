#!/usr/bin/env bash
# Takes the user guide's screenshots (docs/guide/*.png): every view of the demo plan with its
# first-quarter actuals, the welcome screen and the getting-started steps, in Chinese and English,
# in a virtual display at the app's default window size (1280 × 820).
#
#   cargo build --release && docs/guide/shoot.sh
#
# Needs Xvfb, xdotool and ImageMagick (Debian/Ubuntu: apt install xvfb xdotool imagemagick).
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=target/release/salesplan
out=docs/guide
# A short fixed folder: the status bar shows the plan file's path.
work=/tmp/salesplan-guide
rm -rf "$work" && mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

"$bin" demo --db "$work/demo.salesplan" >/dev/null
"$bin" import actuals tests/fixtures/actuals_2026q1.csv --db "$work/demo.salesplan" >/dev/null

# shot LANG NAME PLAN [X,Y | hover:X,Y]...: opens PLAN, clicks at (or rests the pointer on)
# each point in turn, saves NAME.
shot() {
    local lang=$1 name=$2 plan=$3
    shift 3
    local locale=en_US.UTF-8
    [ "$lang" = zh ] && locale=zh_CN.UTF-8
    local home="$work/home" display=:$((200 + RANDOM % 300))
    rm -rf "$home" && mkdir -p "$home"
    Xvfb "$display" -screen 0 1280x820x24 -nolisten tcp >/dev/null 2>&1 &
    local xvfb=$!
    sleep 1
    HOME=$home LANG=$locale LC_ALL=$locale DISPLAY=$display "$bin" --db "$plan" >/dev/null 2>&1 &
    local app=$!
    sleep 4
    for point in "$@"; do
        case $point in
            # hover:X,Y rests the pointer there (a figure shows its explanation).
            hover:*)
                point=${point#hover:}
                DISPLAY=$display xdotool mousemove "${point%,*}" "${point#*,}"
                sleep 0.3
                DISPLAY=$display xdotool mousemove_relative 1 0
                ;;
            *) DISPLAY=$display xdotool mousemove "${point%,*}" "${point#*,}" click 1 ;;
        esac
        sleep 1.5
    done
    # Move the pointer away so no button is highlighted (unless the last point is hovered
    # for its explanation), and let simulations finish.
    [ "${name}" = 00-explain ] || DISPLAY=$display xdotool mousemove 640 5
    sleep 2
    DISPLAY=$display import -window root "$work/shot.png"
    convert "$work/shot.png" -colors 256 "PNG8:$out/$lang-$name.png"
    kill "$app" "$xvfb" 2>/dev/null || true
    wait "$app" "$xvfb" 2>/dev/null || true
    echo "$out/$lang-$name.png"
}

# The left navigation: each view's button, from the top.
views=(01-overview:48 02-organisation:81 03-targets:113 04-negotiation:146 05-funnel:181
    06-monthly:214 07-accounts:247 08-expenses:280 09-receivables:313 10-variance:346
    11-reviews:379 12-settings:412)

for lang in zh en; do
    # The first run: a plan file that does not exist yet gets the demo and the welcome screen.
    rm -f "$work/first.salesplan"
    shot "$lang" 00-welcome "$work/first.salesplan"
    rm -rf "$work/first.salesplan" "$work/first.salesplan.backups"
    # "Explore the demo plan", the first choice, shows the getting-started steps.
    shot "$lang" 00-guide "$work/first.salesplan" 420,369
    rm -rf "$work/first.salesplan" "$work/first.salesplan.backups"
    # Hovering a figure: 王强's leads in the Funnel view explain themselves.
    shot "$lang" 00-explain "$work/demo.salesplan" 84,181 hover:763,209
    for view in "${views[@]}"; do
        shot "$lang" "${view%%:*}" "$work/demo.salesplan" "84,${view##*:}"
    done
done
