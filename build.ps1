# Bootstraps and runs the STAR1 build graph on Windows/PowerShell. Needs only the .NET SDK.
#   ./build.ps1 --target Star1
$ErrorActionPreference = 'Stop'
Set-Location $PSScriptRoot
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$hostDll = 'build/bin/Release/net10.0/Build.dll'

# Rebuild only when a source or project file is newer than the host (MSBuild's check alone costs seconds).
$stale = -not (Test-Path $hostDll)
if (-not $stale) {
    $built = (Get-Item $hostDll).LastWriteTimeUtc
    $stale = [bool](Get-ChildItem -Recurse -File -Path build, src -Include *.cs, *.csproj, *.props, *.json |
        Where-Object { $_.FullName -notmatch '[\\/](obj|bin)[\\/]' -and $_.LastWriteTimeUtc -gt $built } |
        Select-Object -First 1)
}
if ($stale) {
    dotnet build build/Build.csproj -c Release --nologo -v quiet -clp:ErrorsOnly
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
& dotnet $hostDll @args
exit $LASTEXITCODE
