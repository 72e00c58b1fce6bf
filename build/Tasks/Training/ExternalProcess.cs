using System.Diagnostics;

namespace Star1.Build.Tasks.Training;

/// <summary>
/// Runs the rendered external command under /bin/sh -c: every stdout and stderr line goes to <paramref name="line"/>
/// as it comes (a multi-hour run must show its progress), the last lines are kept for the error message, and
/// cancellation or the timeout kills the whole process tree (accelerate and torchrun start one worker per GPU).
/// </summary>
public static class ExternalProcess
{
    /// <summary>How many of the last output lines a failure quotes.</summary>
    public const int TailLines = 20;

    public sealed record Result(int ExitCode, IReadOnlyList<string> Tail);

    public static async Task<Result> RunAsync(string command, string workdir, TimeSpan timeout, Action<string> line, CancellationToken ct)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            WorkingDirectory = workdir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = new Process { StartInfo = start };
        var tail = new Queue<string>();
        void Received(string? text)
        {
            if (text is null) return;
            lock (tail)
            {
                tail.Enqueue(text);
                while (tail.Count > TailLines) tail.Dequeue();
                line(text);
            }
        }
        process.OutputDataReceived += (_, e) => Received(e.Data);
        process.ErrorDataReceived += (_, e) => Received(e.Data);
        if (!process.Start()) throw new InvalidOperationException("/bin/sh did not start");
        // Nothing to read from us: a trainer that prompts (accelerate config, a login) gets end of input, not a hang.
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (ct.IsCancellationRequested) throw;
            throw new TimeoutException($"the external trainer ran past train.external.timeout_hours ({timeout.TotalHours:0.##} h) and was stopped");
        }
        // The exit is seen before the last buffered lines are: this waits for both streams to end.
        process.WaitForExit();
        lock (tail) return new Result(process.ExitCode, [.. tail]);
    }
}
