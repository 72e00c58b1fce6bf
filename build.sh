#!/usr/bin/env bash
# Bootstraps and runs the STAR1 build graph. Needs only the .NET SDK (see global.json).
#   ./build.sh --target Star1        the whole pipeline
#   ./build.sh --tree                the task graph
#   ./build.sh --help                every option
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
host="build/bin/Release/net10.0/Build.dll"

# Rebuild the host only when its sources changed: MSBuild's own up-to-date check costs seconds, this costs
# milliseconds. Build.dll's date cannot be the reference (MSBuild leaves it untouched when it finds nothing
# to compile, so one touched file would rebuild on every call); a stamp written after each successful build
# is. A file newer than the stamp means an edit; a different list of file names means one was added,
# renamed or deleted, which no date can show.
stamp="build/bin/.star1-host-stamp"
names="build/bin/.star1-host-inputs"
inputs() {
  { find build src eng \( -name bin -o -name obj \) -prune -o -type f \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' -o -name '*.json' \) "$@" -print
    find * -maxdepth 0 -type f \( -name Directory.Build.props -o -name Directory.Build.targets -o -name 'Directory.Packages.props' \
      -o -name global.json -o -iname nuget.config \) "$@" -print
  } | LC_ALL=C sort
}

stale_reason() {
  if [ ! -f "$host" ] || [ ! -f "$stamp" ] || [ ! -f "$names" ]; then
    echo "first run, about 30 s"
  elif [ "$(inputs)" != "$(cat "$names")" ]; then
    echo "a source file was added or removed"
  elif [ -n "$(inputs -newer "$stamp")" ]; then
    echo "sources changed"
  fi
}

reason="$(stale_reason)"
if [ -n "$reason" ]; then
  mkdir -p build/bin
  # Two builds started at once must not compile the host together (MSBuild writes the same files): the second
  # waits for the first, then finds the host fresh. flock is util-linux's; without it, the risk stays.
  if command -v flock >/dev/null 2>&1; then
    exec 9>build/bin/.star1-host-build.lock
    flock 9
    reason="$(stale_reason)"
  fi
fi
if [ -n "$reason" ]; then
  echo "building the STAR1 host ($reason)..." >&2
  # Stamp the time the build starts, not ends, so a file saved while it compiles still counts as newer.
  touch "$stamp.$$"
  inputs > "$names.$$"
  # MSBuild prints a success summary even at -v quiet; keep its words for when the build fails.
  if ! log="$(dotnet build build/Build.csproj -c Release --nologo -v quiet -clp:ErrorsOnly 2>&1)"; then
    rm -f "$stamp.$$" "$names.$$"
    printf '%s\n' "$log" >&2
    echo "building the STAR1 host failed (the errors are above)" >&2
    exit 1
  fi
  mv -f "$names.$$" "$names"
  mv -f "$stamp.$$" "$stamp"
fi
# The build itself takes its own lock on the artifacts folder; the host's lock is not held while it runs.
exec 9>&-
exec dotnet "$host" "$@"
