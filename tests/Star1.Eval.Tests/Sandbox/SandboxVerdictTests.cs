using Star1.Eval.Sandbox;

namespace Star1.Eval.Tests.Sandbox;

/// <summary>How an ending reads as an outcome and a reason, from synthetic exit statuses and tracebacks.</summary>
public sealed class SandboxVerdictTests
{
    private static readonly SandboxLimits Limits = new();

    [Fact]
    public void A_bare_assertion_error_is_named_by_its_source_line()
    {
        const string traceback = """
            Traceback (most recent call last):
              File "/tmp/x/program.py", line 20, in <module>
                check(add)
              File "/tmp/x/program.py", line 17, in check
                assert candidate(2, 3) == 5
                       ^^^^^^^^^^^^^^^^^^^^
            AssertionError
            """;

        var (outcome, reason) = SandboxVerdict.Judge(1, timedOut: false, Limits, traceback);

        Assert.Equal(SandboxOutcome.Failed, outcome);
        Assert.Equal("AssertionError: assert candidate(2, 3) == 5 (line 17)", reason);
    }

    [Theory]
    [InlineData(128 + 24, SandboxOutcome.Timeout, "CPU time limit")]
    [InlineData(128 + 9, SandboxOutcome.Killed, "killed by SIGKILL")]
    [InlineData(128 + 25, SandboxOutcome.Killed, "file size limit")]
    [InlineData(128 + 6, SandboxOutcome.Killed, "killed by signal 6")]
    public void Signals_are_named(int exitCode, SandboxOutcome expected, string reasonStart)
    {
        var (outcome, reason) = SandboxVerdict.Judge(exitCode, timedOut: false, Limits, "");

        Assert.Equal(expected, outcome);
        Assert.StartsWith(reasonStart, reason);
    }

    [Fact]
    public void Our_timeout_wins_over_the_exit_status_it_caused()
    {
        Assert.Equal(SandboxOutcome.Timeout, SandboxVerdict.Judge(128 + 9, timedOut: true, Limits, "").Outcome);
    }

    [Fact]
    public void A_memory_error_is_the_memory_limit()
    {
        var (outcome, reason) = SandboxVerdict.Judge(1, false, Limits, "Traceback (most recent call last):\n  File \"p.py\", line 3\nMemoryError");

        Assert.Equal(SandboxOutcome.MemoryLimit, outcome);
        Assert.Contains("512 MiB", reason);
    }

    [Fact]
    public void A_setup_failure_of_the_sandbox_is_an_error_not_the_programs_failure()
    {
        var (outcome, reason) = SandboxVerdict.Judge(125, false, Limits, "star1-sandbox: cannot make / read-only\n");

        Assert.Equal(SandboxOutcome.Error, outcome);
        Assert.Equal("star1-sandbox: cannot make / read-only", reason);
    }

    [Fact]
    public void A_non_zero_exit_without_a_traceback_gives_its_code_and_last_line()
    {
        Assert.Equal("exit code 3: bye", SandboxVerdict.Judge(3, false, Limits, "hello\nbye\n").Reason);
    }
}
