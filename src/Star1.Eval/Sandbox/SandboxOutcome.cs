namespace Star1.Eval.Sandbox;

/// <summary>How a sandboxed program ended.</summary>
public enum SandboxOutcome
{
    /// <summary>Exit code 0.</summary>
    Passed,
    /// <summary>The program ran and failed: an assertion, an exception, a syntax error, a non-zero exit.</summary>
    Failed,
    /// <summary>The wall clock (or the CPU-time limit) ran out; the whole process tree was killed.</summary>
    Timeout,
    /// <summary>The address-space limit was hit (Python's MemoryError).</summary>
    MemoryLimit,
    /// <summary>Ended by a signal we did not send for the timeout (the kernel's limits, a crash).</summary>
    Killed,
    /// <summary>The sandbox itself could not run the program (setup failed).</summary>
    Error,
}
