# Bootstraps and runs the STAR1 build graph on Windows/PowerShell. Needs only the .NET SDK (see global.json).
#   ./build.ps1 --target Star1
$ErrorActionPreference = 'Stop'
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'
$env:DOTNET_SKIP_FIRST_TIME_EXPERIENCE = '1'

# Everything below runs from the repository root (so global.json picks the SDK and relative paths resolve),
# and the caller's current directory is given back however the script ends.
Push-Location -LiteralPath $PSScriptRoot
try {
    $hostDll = 'build/bin/Release/net10.0/Build.dll'
    # Same rule as build.sh: rebuild only when the sources changed, judged against a stamp written after each
    # successful build (MSBuild leaves Build.dll's date alone when it finds nothing to compile), plus the list
    # of file names, which is what shows a deleted or renamed file.
    $stamp = 'build/bin/.star1-host-stamp'
    $names = 'build/bin/.star1-host-inputs'

    function Get-HostInputs {
        $sourceTypes = '.cs', '.csproj', '.props', '.targets', '.json'
        $rootFiles = 'directory.build.props', 'directory.build.targets', 'directory.packages.props', 'global.json', 'nuget.config'
        $root = $PSScriptRoot.TrimEnd('\', '/')
        $inTree = Get-ChildItem -LiteralPath 'build', 'src', 'eng' -Recurse -File |
            Where-Object { $sourceTypes -contains $_.Extension.ToLowerInvariant() }
        $atRoot = Get-ChildItem -LiteralPath '.' -File | Where-Object { $rootFiles -contains $_.Name.ToLowerInvariant() }
        @($inTree) + @($atRoot) | ForEach-Object {
            [pscustomobject]@{
                # Relative, with '/', like build.sh's list (Path.GetRelativePath is missing from Windows PowerShell 5.1).
                Name = $_.FullName.Substring($root.Length + 1).Replace('\', '/')
                Written = $_.LastWriteTimeUtc
            }
        } | Where-Object { $_.Name -notmatch '(^|/)(bin|obj)/' }
    }

    # One name a line, LF, sorted by ordinal like build.sh's `LC_ALL=C sort`, so the two scripts can share a
    # checkout (Git Bash and PowerShell on one Windows machine) without each rebuilding after the other.
    function Format-Names($items) {
        [string[]]$list = @($items | ForEach-Object Name)
        [Array]::Sort($list, [StringComparer]::Ordinal)
        ($list -join "`n") + "`n"
    }

    $reason = $null
    $inputs = @(Get-HostInputs)
    if (-not (Test-Path -LiteralPath $hostDll) -or -not (Test-Path -LiteralPath $stamp) -or -not (Test-Path -LiteralPath $names)) {
        $reason = 'first run, about 30 s'
    }
    elseif ((Format-Names $inputs) -cne [System.IO.File]::ReadAllText((Join-Path $PSScriptRoot $names))) {
        $reason = 'a source file was added or removed'
    }
    else {
        $built = (Get-Item -LiteralPath $stamp).LastWriteTimeUtc
        if ($inputs | Where-Object { $_.Written -gt $built } | Select-Object -First 1) { $reason = 'sources changed' }
    }

    $code = 0
    if ($reason) {
        [Console]::Error.WriteLine("building the STAR1 host ($reason)...")
        New-Item -ItemType Directory -Force -Path 'build/bin' | Out-Null
        # The stamp takes the time the build starts, so a file saved while it compiles still counts as newer.
        $started = [DateTime]::UtcNow
        # MSBuild prints a success summary even at -v quiet; keep its words for when the build fails. In its own
        # scope with 'Continue', so Windows PowerShell does not turn a line on stderr into a terminating error.
        $log = & { $ErrorActionPreference = 'Continue'; dotnet build build/Build.csproj -c Release --nologo -v quiet -clp:ErrorsOnly 2>&1 }
        $code = $LASTEXITCODE
        if ($code -ne 0) {
            $log | ForEach-Object { [Console]::Error.WriteLine("$_") }
            [Console]::Error.WriteLine('building the STAR1 host failed (the errors are above)')
        }
        if ($code -eq 0) {
            # .NET's WriteAllText writes UTF-8 without a byte-order mark, which build.sh can read back.
            [System.IO.File]::WriteAllText((Join-Path $PSScriptRoot $names), (Format-Names $inputs))
            Set-Content -LiteralPath $stamp -Value '' -NoNewline
            (Get-Item -LiteralPath $stamp).LastWriteTimeUtc = $started
        }
    }
    if ($code -eq 0) {
        & dotnet $hostDll @args
        $code = $LASTEXITCODE
    }
}
finally {
    Pop-Location
}
# Outside the try, so the caller's directory is restored before the exit code is handed back.
exit $code
