using Star1.Eval.Sandbox;

namespace Star1.Eval.Tests.Sandbox;

/// <summary>A test that runs Python: skipped, saying why, only on a machine without python3.</summary>
public sealed class PythonFactAttribute : FactAttribute
{
    public PythonFactAttribute()
    {
        if (!PythonSandbox.PythonAvailable) Skip = "python3 not found on PATH: the sandbox tests run Python programs";
    }
}

/// <summary>The theory form of <see cref="PythonFactAttribute"/>.</summary>
public sealed class PythonTheoryAttribute : TheoryAttribute
{
    public PythonTheoryAttribute()
    {
        if (!PythonSandbox.PythonAvailable) Skip = "python3 not found on PATH: the sandbox tests run Python programs";
    }
}
