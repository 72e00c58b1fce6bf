using System.Globalization;
using System.Text.RegularExpressions;

namespace Star1.Eval.Sandbox;

/// <summary>Turns how a child ended (exit status, our timeout, its stderr) into an outcome and one line for people.</summary>
internal static partial class SandboxVerdict
{
    private const int SigKill = 9, SigSegv = 11, SigXcpu = 24, SigXfsz = 25;
    private const int MaxReasonChars = 300;

    public static (SandboxOutcome Outcome, string Reason) Judge(int? exitCode, bool timedOut, SandboxLimits limits, string stderr)
    {
        if (timedOut)
            return (SandboxOutcome.Timeout, $"timed out after {limits.TimeoutSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s (wall clock); the process tree was killed");
        var setup = stderr.Split('\n').FirstOrDefault(l => l.StartsWith(SandboxScripts.Marker, StringComparison.Ordinal) && exitCode == 125);
        if (setup is not null) return (SandboxOutcome.Error, OneLine(setup));
        if (exitCode == 0) return (SandboxOutcome.Passed, "passed");

        var lines = stderr.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        var exception = LastExceptionLine(lines);
        if (exception >= 0 && lines[exception].StartsWith("MemoryError", StringComparison.Ordinal) || exception < 0 && stderr.Contains("MemoryError", StringComparison.Ordinal))
            return (SandboxOutcome.MemoryLimit, $"MemoryError: the address-space limit ({limits.MemoryBytes / (1024 * 1024)} MiB) was reached");
        if (exitCode is > 128 and < 128 + 65)
        {
            return (exitCode - 128) switch
            {
                SigXcpu => (SandboxOutcome.Timeout, $"CPU time limit ({limits.CpuSeconds} s) reached (SIGXCPU)"),
                SigKill => (SandboxOutcome.Killed, "killed by SIGKILL (the CPU hard limit, or the kernel out of memory)"),
                SigXfsz => (SandboxOutcome.Killed, $"file size limit ({limits.MaxFileBytes} bytes) exceeded (SIGXFSZ)"),
                SigSegv => (SandboxOutcome.Killed, "crashed (SIGSEGV), often memory exhausted in native code"),
                var signal => (SandboxOutcome.Killed, $"killed by signal {signal}"),
            };
        }
        return (SandboxOutcome.Failed, exception >= 0 ? Describe(lines, exception) : $"exit code {exitCode}" + LastLine(lines));
    }

    /// <summary>The last line of a Python traceback's end: "Name: message" or a bare "Name", unindented.</summary>
    private static int LastExceptionLine(string[] lines)
    {
        for (var i = lines.Length - 1; i >= 0; i--)
            if (ExceptionLine().IsMatch(lines[i])) return i;
        return -1;
    }

    /// <summary>A bare AssertionError says nothing by itself: the failing assert's source line (the line above the
    /// caret markers Python 3.11 adds) and its line number name which test case broke.</summary>
    private static string Describe(string[] lines, int exception)
    {
        var text = lines[exception].Trim();
        if (text != "AssertionError") return OneLine(text);
        for (var i = exception - 1; i > 0; i--)
        {
            var source = lines[i].Trim();
            if (source.Length == 0 || source.All(c => c is '^' or '~' or ' ')) continue;
            if (lines[i].StartsWith("    ", StringComparison.Ordinal) && lines[i - 1].TrimStart().StartsWith("File ", StringComparison.Ordinal))
            {
                var number = LineNumber().Match(lines[i - 1]);
                return OneLine($"AssertionError: {source}" + (number.Success ? $" (line {number.Groups[1].Value})" : ""));
            }
            break;
        }
        return text;
    }

    private static string LastLine(string[] lines)
    {
        var last = lines.LastOrDefault(l => l.Trim().Length > 0);
        return last is null ? "" : ": " + OneLine(last.Trim());
    }

    private static string OneLine(string text)
    {
        var flat = text.Replace('\n', ' ').Replace('\r', ' ').Trim();
        return flat.Length <= MaxReasonChars ? flat : flat[..MaxReasonChars] + "...";
    }

    [GeneratedRegex(@"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt|Iteration|Warning)(: .*)?$")]
    private static partial Regex ExceptionLine();

    [GeneratedRegex(@"line (\d+)")]
    private static partial Regex LineNumber();
}
