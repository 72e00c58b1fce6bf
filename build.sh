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

# Rebuild the host only when a source or project file is newer than it: MSBuild's own up-to-date check
# costs seconds, this costs milliseconds.
if [ ! -f "$host" ] || [ -n "$(find build src Directory.Build.props global.json -newer "$host" \
      \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.json' \) -not -path '*/obj/*' -not -path '*/bin/*' -print -quit)" ]; then
  dotnet build build/Build.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
fi
exec dotnet "$host" "$@"
